#include "raft/metadata_directory.h"

#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <fmt/core.h>

namespace sluice::raft {
namespace {

namespace fs = std::filesystem;

// libraft's files that exist before (or without) any log state.
bool is_stateless_file(std::string_view name) {
    return name == "metadata1" || name == "metadata2" || name.starts_with("tmp-") || name.starts_with(".probe");
}

[[noreturn]] void fail(const std::string& dir, std::string_view what, const std::error_code& ec) {
    throw std::runtime_error(fmt::format("metadata log directory {}: {}: {}", dir, what, ec.message()));
}

} // namespace

bool prepare_metadata_directory(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) fail(dir, "cannot create it", ec);
    if (!fs::is_directory(dir, ec)) {
        fail(dir, "not a directory", ec ? ec : std::make_error_code(std::errc::not_a_directory));
    }
    std::vector<fs::path> leftovers;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        if (!is_stateless_file(path.filename().native())) return false;
        leftovers.push_back(path);
    }
    if (ec) fail(dir, "cannot list it", ec);
    for (const fs::path& path : leftovers) {
        fs::remove(path, ec);
        if (ec) fail(dir, fmt::format("cannot remove {}", path.filename().native()), ec);
    }
    return true;
}

} // namespace sluice::raft
