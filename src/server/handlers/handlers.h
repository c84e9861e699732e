#pragma once
// One api_handler per API, each defined in handlers/<api>.cc. Register new ones in
// handler_table.cc.
#include "server/api_handler.h"

namespace sluice::server::handlers {

extern const api_handler api_versions;     // key 18, v0-4
extern const api_handler metadata;         // key 3, v0-12
extern const api_handler describe_cluster; // key 60, v0-1

} // namespace sluice::server::handlers
