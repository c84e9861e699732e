/* raft_shim: canonical raft 0.15 (libraft) and its libuv loop behind a small C interface.
 *
 * raft_shim.c is the only file that includes <raft.h> and <raft/uv.h>: their headers are not
 * C++-clean, and keeping the library's types and quirks in one file means swapping to
 * cowsql/raft later touches it alone (ADR 0002). This header names no libraft type.
 *
 * Threads: sluice_raft_create/destroy on any thread (not concurrently with run);
 * sluice_raft_run on the quorum thread, which it occupies until the loop ends;
 * sluice_raft_wake from any thread while run is active (the caller makes sure it never races
 * with the loop closing: see metadata_quorum.cc); everything else, and every callback, on
 * the quorum thread only.
 *
 * Entry and snapshot framing (docs/formats/metadata_log.md): libraft 0.15 reads back only
 * entries whose length is a multiple of 8, so every buffer handed to it is padded with
 * p bytes of value p (1 <= p <= SLUICE_RAFT_PAD_BLOCK). The callbacks see payloads only. */
#ifndef SLUICE_RAFT_RAFT_SHIM_H
#define SLUICE_RAFT_RAFT_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Framing of entries and snapshots: pad to a multiple of this many bytes (1..8 bytes of
 * padding, each byte equal to the padding length). */
#define SLUICE_RAFT_PAD_BLOCK 8

/* libraft's errors, reduced to what callers tell apart. */
enum sluice_raft_status {
    SLUICE_RAFT_OK = 0,
    SLUICE_RAFT_NOT_LEADER,       /* this node is not (or no longer) the leader */
    SLUICE_RAFT_LEADERSHIP_LOST,  /* lost leadership before the entry committed: outcome unknown */
    SLUICE_RAFT_SHUTDOWN,         /* the quorum is stopping */
    SLUICE_RAFT_TOO_BIG,          /* entry over the size limit */
    SLUICE_RAFT_IO,               /* disk or network error */
    SLUICE_RAFT_CORRUPT,          /* unreadable log, snapshot or metadata */
    SLUICE_RAFT_NO_MEMORY,
    SLUICE_RAFT_TIMEOUT,          /* start-up did not finish in time */
    SLUICE_RAFT_OTHER,
};

struct sluice_raft_callbacks {
    void *context;
    /* A committed command entry (payload only), in log order. Indexes increase; gaps are
     * entries the state machine does not see (configuration, barriers). */
    void (*apply)(void *context, uint64_t index, const uint8_t *data, size_t size);
    /* The state as of the last applied entry. On 0, *data / *size stay valid until
     * snapshot_release is called (right after the shim copied them). Nonzero: no snapshot
     * this time. */
    int (*snapshot)(void *context, const uint8_t **data, size_t *size);
    void (*snapshot_release)(void *context);
    /* Replaces the state with a snapshot's. Nonzero: the snapshot is unusable. */
    int (*restore)(void *context, const uint8_t *data, size_t size);
    /* A proposal completed: committed and applied (OK, with its index) or failed. Exactly
     * once per proposal accepted by sluice_raft_propose. */
    void (*proposed)(void *context, void *token, enum sluice_raft_status status, uint64_t index);
    /* sluice_raft_wake was called (possibly several times since the last call). */
    void (*woken)(void *context);
    /* After each turn of the loop: the role and the last applied index. */
    void (*observe)(void *context, int is_leader, uint64_t last_applied);
    /* Start-up finished, exactly once per run: OK once this node is leader and a barrier
     * proposed at start-up has been applied (so everything committed before is applied too),
     * or the failure with a message, after which the shim closes itself (run returns
     * without sluice_raft_close; `woken` is not called any more). */
    void (*ready)(void *context, enum sluice_raft_status status, const char *message);
};

struct sluice_raft_options {
    const char *dir;        /* must exist */
    uint64_t node_id;       /* > 0 */
    const char *address;    /* this voter's address, "host:port" */
    int listen;             /* nonzero: bind `address` (libraft's TCP transport) */
    int bootstrap;          /* nonzero: write a one-voter configuration first (fresh dir) */
    unsigned snapshot_threshold;
    unsigned snapshot_trailing;
    unsigned election_timeout_ms;
    unsigned heartbeat_timeout_ms;
    size_t entry_bytes_max;
};

struct sluice_raft;

/* NULL when out of memory. The libuv loop and the wake-up handle are ready afterwards. */
struct sluice_raft *sluice_raft_create(const struct sluice_raft_callbacks *callbacks);
/* Opens the directory, starts raft and runs the loop until sluice_raft_close has completed
 * (or start-up failed). Calls `ready` exactly once. Pending proposals are all completed
 * before it returns. */
void sluice_raft_run(struct sluice_raft *shim, const struct sluice_raft_options *options);
/* Any thread: `woken` runs soon on the quorum thread. */
void sluice_raft_wake(struct sluice_raft *shim);
/* Appends a command entry (copied). OK: `proposed` will be called with `token`; otherwise it
 * will not, and *message (if not NULL) says why (valid until the next shim call). */
enum sluice_raft_status sluice_raft_propose(struct sluice_raft *shim, const uint8_t *data,
                                            size_t size, void *token, const char **message);
/* Begins the shutdown: no new proposals; once no disk append is in flight (at most 5 s),
 * raft closes and fails what is still pending with SHUTDOWN; then run returns. Idempotent. */
void sluice_raft_close(struct sluice_raft *shim);
/* After run returned (or if it never ran). */
void sluice_raft_destroy(struct sluice_raft *shim);

/* Framing, exposed for tests. The framed size of a payload (a multiple of 8). */
size_t sluice_raft_framed_size(size_t payload_size);
/* Writes payload + padding into out (framed_size bytes). */
void sluice_raft_frame(const uint8_t *payload, size_t size, uint8_t *out);
/* The payload size of a framed buffer, or SIZE_MAX when the framing is invalid. */
size_t sluice_raft_unframe(const uint8_t *framed, size_t size);

#ifdef __cplusplus
}
#endif

#endif
