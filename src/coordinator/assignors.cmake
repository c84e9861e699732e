# The KIP-848 server-side assignors (assignors.h): pure functions, only src/base below them.
# Included from src/coordinator/CMakeLists.txt; paths are relative to this directory.
sluice_module(coordinator_assignors
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/assignors.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/assignor_group.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/uniform_assignor.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/range_assignor.cc
  DEPS sluice_base)

sluice_test(assignors_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tests/assignors_test.cc
  DEPS sluice_coordinator_assignors)
# Tests name only the fields they set in designated initializers; the rest have defaults.
target_compile_options(assignors_test PRIVATE -Wno-missing-field-initializers)
