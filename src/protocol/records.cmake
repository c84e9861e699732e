# Owned by the record-batch/codec work: defines sluice_protocol_records and its tests.
# Record batch v2 (view, framing, validation, records, builder) and the compression codecs.
find_package(ZLIB REQUIRED)
pkg_check_modules(SNAPPY REQUIRED IMPORTED_TARGET snappy)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)

add_library(sluice_protocol_records STATIC
  batch_error.cc
  batch_validator.cc
  codec_gzip.cc
  codec_lz4.cc
  codec_snappy.cc
  codec_zstd.cc
  compression.cc
  control_record.cc
  record_batch.cc
  record_batch_builder.cc
  record_reader.cc)
target_include_directories(sluice_protocol_records PUBLIC ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(sluice_protocol_records
  PUBLIC sluice_base
  PRIVATE ZLIB::ZLIB PkgConfig::SNAPPY PkgConfig::LZ4 PkgConfig::ZSTD)
add_dependencies(sluice_protocol_records check_layering)

sluice_test(protocol_records_test
  SOURCES
    tests/record_batch_test.cc
    tests/record_reader_test.cc
    tests/batch_validator_test.cc
    tests/compression_test.cc
  DEPS sluice_protocol_records ZLIB::ZLIB PkgConfig::SNAPPY PkgConfig::LZ4 PkgConfig::ZSTD)
