#include "storage/storage_error.h"

namespace sluice::storage {

std::string_view to_string(storage_errc error) noexcept {
    switch (error) {
    case storage_errc::none: return "none";
    case storage_errc::not_found: return "not_found";
    case storage_errc::already_exists: return "already_exists";
    case storage_errc::no_space: return "no_space";
    case storage_errc::io_error: return "io_error";
    case storage_errc::invalid_argument: return "invalid_argument";
    case storage_errc::corrupt: return "corrupt";
    case storage_errc::offset_out_of_range: return "offset_out_of_range";
    case storage_errc::batch_too_large: return "batch_too_large";
    case storage_errc::failed: return "failed";
    }
    return "unknown";
}

} // namespace sluice::storage
