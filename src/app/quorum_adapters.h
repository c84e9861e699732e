#pragma once
// The metadata quorum (src/raft) seen by the cluster module: the quorum's state machine is the
// metadata store, and the controller proposes through it.
#include "cluster/metadata_log.h"
#include "cluster/metadata_store.h"
#include "raft/metadata_quorum.h"
#include "raft/state_machine.h"

namespace sluice::app {

class store_state_machine final : public raft::state_machine {
public:
    explicit store_state_machine(cluster::metadata_store& store) : _store(store) {}
    void apply(uint64_t index, byte_view entry) override { _store.apply(index, entry); }
    byte_buffer snapshot() override { return _store.snapshot(); }
    void restore(byte_view snapshot) override {
        if (!_store.restore(snapshot)) throw std::runtime_error("metadata snapshot does not decode");
    }

private:
    cluster::metadata_store& _store;
};

class quorum_metadata_log final : public cluster::metadata_log {
public:
    explicit quorum_metadata_log(raft::metadata_quorum& quorum) : _quorum(quorum) {}
    void propose(byte_buffer entry, done_fn done) override { _quorum.propose(std::move(entry), std::move(done)); }
    void post(std::function<void()> fn) override { _quorum.post(std::move(fn)); }

private:
    raft::metadata_quorum& _quorum;
};

} // namespace sluice::app
