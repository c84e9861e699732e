#pragma once
// metadata_directory: the start-up check of the metadata log directory, before libraft opens
// it (docs/formats/metadata_log.md).
#include <string>

namespace sluice::raft {

// Creates `dir` (and its parents) if absent. Returns true when it holds no raft state yet, so
// the caller bootstraps a one-voter configuration: nothing but libraft's `metadata1`,
// `metadata2`, `tmp-*` and `.probe*` files. Those are removed first: they are what a first
// start that crashed between writing the term and the first segment leaves behind, and
// libraft refuses to bootstrap over a term. Any other file means existing state.
// Throws std::runtime_error naming the directory when it cannot be created or read.
bool prepare_metadata_directory(const std::string& dir);

} // namespace sluice::raft
