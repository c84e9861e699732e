# Owned by the record-batch/codec work: defines sluice_protocol_records and its tests.
add_library(sluice_protocol_records STATIC record_batch.cc compression.cc)
target_include_directories(sluice_protocol_records PUBLIC ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(sluice_protocol_records PUBLIC sluice_base)
add_dependencies(sluice_protocol_records check_layering)
