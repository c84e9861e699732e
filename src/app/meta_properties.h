#pragma once
// <log.dir>/meta.properties (DESIGN.md §5, Kafka's format): the cluster id and node id a data
// directory belongs to. Written on first start (no separate format step); on later starts the
// node id must match, so a data directory is never served under another identity.
#include <cstdint>
#include <string>

namespace sluice::app {

struct meta_properties {
    std::string cluster_id;
    int32_t node_id = -1;
};

// Creates `log_dir` (and parents) when missing, then reads its meta.properties or, when there
// is none, writes one with a new random cluster id. Throws config_error (naming log.dirs or
// node.id) when the directory cannot be used or belongs to another node.
meta_properties load_or_create_meta_properties(const std::string& log_dir, int32_t node_id);

} // namespace sluice::app
