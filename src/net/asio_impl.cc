// Asio's implementation, compiled once for the whole binary (ASIO_SEPARATE_COMPILATION is
// defined for every target that uses Asio: sluice_use_asio in the top-level CMakeLists.txt).
#include <asio/impl/src.hpp>
