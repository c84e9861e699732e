#include "raft/quorum_error.h"

#include <string>

namespace sluice::raft {
namespace {

class quorum_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "metadata_quorum"; }
    std::string message(int value) const override {
        switch (static_cast<quorum_errc>(value)) {
        case quorum_errc::not_leader: return "this node is not the metadata quorum leader";
        case quorum_errc::leadership_lost: return "leadership lost before the entry committed";
        case quorum_errc::shutting_down: return "the metadata quorum is shutting down";
        case quorum_errc::entry_too_big: return "metadata entry too big";
        case quorum_errc::busy: return "too many metadata proposals in flight";
        case quorum_errc::io_error: return "metadata log I/O error";
        case quorum_errc::corrupt: return "metadata log corrupt";
        case quorum_errc::no_memory: return "out of memory";
        case quorum_errc::other: return "metadata quorum error";
        }
        return "unknown metadata quorum error";
    }
};

} // namespace

const std::error_category& quorum_category() noexcept {
    static const quorum_category_impl category;
    return category;
}

std::error_code make_error_code(quorum_errc e) noexcept { return {static_cast<int>(e), quorum_category()}; }

} // namespace sluice::raft
