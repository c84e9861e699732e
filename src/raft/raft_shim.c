/* raft_shim: the only file that includes libraft's headers (see raft_shim.h). */
#include "raft/raft_shim.h"

#include <raft.h>
#include <raft/uv.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A proposal handed to raft_apply; lives until raft calls back (or the loop ends). */
struct pending_apply {
    struct raft_apply request;
    void *token;
    struct sluice_raft *shim;
    struct pending_apply *prev;
    struct pending_apply *next;
};

struct sluice_raft {
    struct sluice_raft_callbacks callbacks;
    uv_loop_t loop;
    uv_async_t wakeup;   /* sluice_raft_wake -> callbacks.woken */
    uv_check_t observer; /* after each loop turn -> callbacks.observe */
    struct raft_uv_transport transport;
    struct raft_io io;
    struct raft_fsm fsm;
    struct raft raft;
    struct raft_barrier barrier;
    struct pending_apply pending; /* sentinel of the list of outstanding proposals */
    size_t entry_bytes_max;
    /* How far start-up got, so that close undoes exactly that. */
    int tcp_transport; /* transport is libraft's TCP one (else the null transport) */
    int transport_ready;
    int io_ready;
    int raft_ready; /* raft_init succeeded: raft_close owns the teardown */
    int started;    /* raft_start succeeded: appends may be in flight */
    int closing;        /* sluice_raft_close was called: no new proposals */
    int raft_closing;   /* raft_close was called */
    uint64_t close_deadline_ms; /* raft_close is called by then even if appends are in flight */
    int ready_reported;
    int barrier_in_flight;
    int close_requested; /* start-up failed after raft started: close on the next loop turn */
    int ran;            /* sluice_raft_run was called: the loop is closed when it returns */
    int restore_failed; /* the message says why restoring a snapshot failed */
    char message[RAFT_ERRMSG_BUF_SIZE * 2];
};

/* ---- framing (docs/formats/metadata_log.md) ---- */

size_t sluice_raft_framed_size(size_t payload_size)
{
    return payload_size + (SLUICE_RAFT_PAD_BLOCK - payload_size % SLUICE_RAFT_PAD_BLOCK);
}

void sluice_raft_frame(const uint8_t *payload, size_t size, uint8_t *out)
{
    size_t framed = sluice_raft_framed_size(size);
    if (size > 0) {
        memcpy(out, payload, size);
    }
    memset(out + size, (int)(framed - size), framed - size);
}

size_t sluice_raft_unframe(const uint8_t *framed, size_t size)
{
    size_t pad;
    size_t i;
    if (size == 0 || size % SLUICE_RAFT_PAD_BLOCK != 0) {
        return SIZE_MAX;
    }
    pad = framed[size - 1];
    if (pad < 1 || pad > SLUICE_RAFT_PAD_BLOCK) {
        return SIZE_MAX;
    }
    for (i = size - pad; i < size; i++) {
        if (framed[i] != pad) {
            return SIZE_MAX;
        }
    }
    return size - pad;
}

/* ---- helpers ---- */

static enum sluice_raft_status status_of(int raft_code)
{
    switch (raft_code) {
        case 0:
            return SLUICE_RAFT_OK;
        case RAFT_NOTLEADER:
            return SLUICE_RAFT_NOT_LEADER;
        case RAFT_LEADERSHIPLOST:
            return SLUICE_RAFT_LEADERSHIP_LOST;
        case RAFT_SHUTDOWN:
        case RAFT_CANCELED:
            return SLUICE_RAFT_SHUTDOWN;
        case RAFT_TOOBIG:
            return SLUICE_RAFT_TOO_BIG;
        case RAFT_IOERR:
        case RAFT_NOSPACE:
        case RAFT_NOCONNECTION:
        case RAFT_NOTFOUND:
        case RAFT_UNAUTHORIZED:
        case RAFT_NAMETOOLONG:
            return SLUICE_RAFT_IO;
        case RAFT_CORRUPT:
        case RAFT_MALFORMED:
            return SLUICE_RAFT_CORRUPT;
        case RAFT_NOMEM:
            return SLUICE_RAFT_NO_MEMORY;
        default:
            return SLUICE_RAFT_OTHER;
    }
}

static void set_message(struct sluice_raft *shim, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(shim->message, sizeof shim->message, format, args);
    va_end(args);
}

/* "what: <raft's message> (<raft's error name>)" */
static void set_raft_message(struct sluice_raft *shim, const char *what, int code, const char *detail)
{
    if (detail != NULL && detail[0] != '\0') {
        set_message(shim, "%s: %s (%s)", what, detail, raft_strerror(code));
    } else {
        set_message(shim, "%s: %s", what, raft_strerror(code));
    }
}

static void report_ready(struct sluice_raft *shim, enum sluice_raft_status status)
{
    if (shim->ready_reported) {
        return;
    }
    shim->ready_reported = 1;
    shim->callbacks.ready(shim->callbacks.context, status, status == SLUICE_RAFT_OK ? "" : shim->message);
}

/* A violated invariant of the replicated log: continuing would let the state machine diverge. */
static void fail_hard(const char *what)
{
    fprintf(stderr, "raft_shim: fatal: %s\n", what);
    abort();
}

/* ---- the null transport: a one-voter quorum neither listens nor dials ---- */

static int null_transport_init(struct raft_uv_transport *t, raft_id id, const char *address)
{
    (void)t;
    (void)id;
    (void)address;
    return 0;
}

static int null_transport_listen(struct raft_uv_transport *t, raft_uv_accept_cb cb)
{
    (void)t;
    (void)cb;
    return 0;
}

static int null_transport_connect(struct raft_uv_transport *t,
                                  struct raft_uv_connect *req,
                                  raft_id id,
                                  const char *address,
                                  raft_uv_connect_cb cb)
{
    (void)req;
    (void)cb;
    snprintf(t->errmsg, sizeof t->errmsg,
             "no transport to dial server %llu at %s: this quorum does not listen (one voter)", id,
             address);
    return RAFT_NOCONNECTION;
}

/* libuv's raft_io clears its own bookkeeping in the callback and only fires its close
 * callback once its timer has closed too, so calling back at once is safe. */
static void null_transport_close(struct raft_uv_transport *t, raft_uv_transport_close_cb cb)
{
    cb(t);
}

static void null_transport_setup(struct raft_uv_transport *t)
{
    memset(t, 0, sizeof *t);
    t->init = null_transport_init;
    t->listen = null_transport_listen;
    t->connect = null_transport_connect;
    t->close = null_transport_close;
}

/* ---- the state machine, as libraft sees it ---- */

static int fsm_apply(struct raft_fsm *fsm, const struct raft_buffer *buf, void **result)
{
    struct sluice_raft *shim = fsm->data;
    /* libraft applies entries one at a time and moves last_applied after each, so the
     * entry being applied is the next one. */
    raft_index index = shim->raft.last_applied + 1;
    size_t size = sluice_raft_unframe(buf->base, buf->len);
    if (size == SIZE_MAX) {
        fail_hard("committed entry with invalid framing (docs/formats/metadata_log.md)");
    }
    shim->callbacks.apply(shim->callbacks.context, index, buf->base, size);
    *result = NULL;
    return 0;
}

/* Version 1 of raft_fsm: libraft releases the buffers with raft_free. */
static int fsm_snapshot(struct raft_fsm *fsm, struct raft_buffer *bufs[], unsigned *n_bufs)
{
    struct sluice_raft *shim = fsm->data;
    const uint8_t *data = NULL;
    size_t size = 0;
    struct raft_buffer *out;
    if (shim->callbacks.snapshot(shim->callbacks.context, &data, &size) != 0) {
        return RAFT_IOERR;
    }
    out = raft_malloc(sizeof *out);
    if (out != NULL) {
        out->len = sluice_raft_framed_size(size);
        out->base = raft_malloc(out->len);
    }
    if (out == NULL || out->base == NULL) {
        raft_free(out);
        shim->callbacks.snapshot_release(shim->callbacks.context);
        return RAFT_NOMEM;
    }
    sluice_raft_frame(data, size, out->base);
    shim->callbacks.snapshot_release(shim->callbacks.context);
    *bufs = out;
    *n_bufs = 1;
    return 0;
}

/* On success the buffer is ours to free (libraft hands its ownership over); on failure
 * libraft frees it. */
static int fsm_restore(struct raft_fsm *fsm, struct raft_buffer *buf)
{
    struct sluice_raft *shim = fsm->data;
    size_t size = sluice_raft_unframe(buf->base, buf->len);
    if (size == SIZE_MAX) {
        set_message(shim, "snapshot with invalid framing (%zu bytes)", buf->len);
        shim->restore_failed = 1;
        return RAFT_CORRUPT;
    }
    if (shim->callbacks.restore(shim->callbacks.context, buf->base, size) != 0) {
        set_message(shim, "the state machine rejected the snapshot");
        shim->restore_failed = 1;
        return RAFT_CORRUPT;
    }
    raft_free(buf->base);
    return 0;
}

/* ---- proposals ---- */

static void pending_unlink(struct pending_apply *p)
{
    p->prev->next = p->next;
    p->next->prev = p->prev;
}

static void apply_done(struct raft_apply *request, int status, void *result)
{
    struct pending_apply *p = request->data;
    struct sluice_raft *shim = p->shim;
    enum sluice_raft_status s = status_of(status);
    (void)result;
    if (s == SLUICE_RAFT_LEADERSHIP_LOST && shim->closing) {
        s = SLUICE_RAFT_SHUTDOWN;
    }
    pending_unlink(p);
    shim->callbacks.proposed(shim->callbacks.context, p->token, s, request->index);
    free(p);
}

enum sluice_raft_status sluice_raft_propose(struct sluice_raft *shim, const uint8_t *data,
                                            size_t size, void *token, const char **message)
{
    struct pending_apply *p;
    struct raft_buffer buf;
    int rv;
    if (message != NULL) {
        *message = shim->message;
    }
    if (shim->closing || !shim->raft_ready) {
        set_message(shim, "the metadata quorum is shutting down");
        return SLUICE_RAFT_SHUTDOWN;
    }
    if (size > shim->entry_bytes_max) {
        set_message(shim, "entry of %zu bytes is over the limit of %zu", size, shim->entry_bytes_max);
        return SLUICE_RAFT_TOO_BIG;
    }
    p = malloc(sizeof *p);
    buf.len = sluice_raft_framed_size(size);
    buf.base = raft_malloc(buf.len);
    if (p == NULL || buf.base == NULL) {
        free(p);
        raft_free(buf.base);
        set_message(shim, "out of memory");
        return SLUICE_RAFT_NO_MEMORY;
    }
    sluice_raft_frame(data, size, buf.base);
    p->request.data = p;
    p->token = token;
    p->shim = shim;
    rv = raft_apply(&shim->raft, &p->request, &buf, 1, apply_done);
    if (rv != 0) {
        /* Not accepted: the buffer is still ours. */
        set_raft_message(shim, "propose", rv, raft_errmsg(&shim->raft));
        raft_free(buf.base);
        free(p);
        return status_of(rv);
    }
    p->next = &shim->pending;
    p->prev = shim->pending.prev;
    shim->pending.prev->next = p;
    shim->pending.prev = p;
    return SLUICE_RAFT_OK;
}

/* ---- start-up ---- */

static void barrier_done(struct raft_barrier *request, int status)
{
    struct sluice_raft *shim = request->data;
    shim->barrier_in_flight = 0;
    if (status == 0) {
        /* Publish the role before start-up returns, not at the end of this loop turn. */
        shim->callbacks.observe(shim->callbacks.context, raft_state(&shim->raft) == RAFT_LEADER,
                                raft_last_applied(&shim->raft));
        report_ready(shim, SLUICE_RAFT_OK);
        return;
    }
    if ((status == RAFT_LEADERSHIPLOST || status == RAFT_NOTLEADER) && !shim->closing) {
        return; /* tried again when this node is leader again (observe) */
    }
    set_raft_message(shim, "start-up barrier", status, NULL);
    report_ready(shim, status_of(status));
    shim->close_requested = 1;
}

/* Start-up is done once a barrier proposed as leader is applied: everything committed before
 * it (by this or an earlier leader) has then been applied too. */
static void maybe_propose_barrier(struct sluice_raft *shim)
{
    int rv;
    if (shim->ready_reported || shim->barrier_in_flight || shim->closing ||
        raft_state(&shim->raft) != RAFT_LEADER) {
        return;
    }
    shim->barrier.data = shim;
    rv = raft_barrier(&shim->raft, &shim->barrier, barrier_done);
    if (rv != 0) {
        set_raft_message(shim, "start-up barrier", rv, raft_errmsg(&shim->raft));
        report_ready(shim, status_of(rv));
        shim->close_requested = 1;
        return;
    }
    shim->barrier_in_flight = 1;
}

static void on_wakeup(uv_async_t *handle)
{
    struct sluice_raft *shim = handle->data;
    shim->callbacks.woken(shim->callbacks.context);
}

static void finish_close(struct sluice_raft *shim);

static void on_loop_turn(uv_check_t *handle)
{
    struct sluice_raft *shim = handle->data;
    if (!shim->raft_ready || shim->raft_closing) {
        return;
    }
    if (shim->close_requested && !shim->closing) {
        sluice_raft_close(shim); /* not from inside a libraft callback */
        return;
    }
    if (shim->closing) {
        finish_close(shim);
        return;
    }
    maybe_propose_barrier(shim);
    shim->callbacks.observe(shim->callbacks.context, raft_state(&shim->raft) == RAFT_LEADER,
                            raft_last_applied(&shim->raft));
}

struct sluice_raft *sluice_raft_create(const struct sluice_raft_callbacks *callbacks)
{
    struct sluice_raft *shim = calloc(1, sizeof *shim);
    if (shim == NULL) {
        return NULL;
    }
    shim->callbacks = *callbacks;
    shim->pending.next = &shim->pending;
    shim->pending.prev = &shim->pending;
    if (uv_loop_init(&shim->loop) != 0) {
        free(shim);
        return NULL;
    }
    uv_async_init(&shim->loop, &shim->wakeup, on_wakeup);
    shim->wakeup.data = shim;
    uv_check_init(&shim->loop, &shim->observer);
    shim->observer.data = shim;
    uv_check_start(&shim->observer, on_loop_turn);
    return shim;
}

static int open_transport(struct sluice_raft *shim, const struct sluice_raft_options *options)
{
    int rv;
    if (!options->listen) {
        null_transport_setup(&shim->transport);
        shim->transport_ready = 1;
        return 0;
    }
    rv = raft_uv_tcp_init(&shim->transport, &shim->loop);
    if (rv != 0) {
        set_raft_message(shim, "raft TCP transport", rv, shim->transport.errmsg);
        return rv;
    }
    shim->tcp_transport = 1;
    shim->transport_ready = 1;
    return 0;
}

/* Bootstraps a one-voter configuration: this node. */
static int bootstrap(struct sluice_raft *shim, const struct sluice_raft_options *options)
{
    struct raft_configuration configuration;
    int rv;
    raft_configuration_init(&configuration);
    rv = raft_configuration_add(&configuration, options->node_id, options->address, RAFT_VOTER);
    if (rv == 0) {
        rv = raft_bootstrap(&shim->raft, &configuration);
    }
    raft_configuration_close(&configuration);
    if (rv != 0) {
        set_raft_message(shim, "bootstrap", rv, raft_errmsg(&shim->raft));
    }
    return rv;
}

/* The node must be a voter of the loaded configuration, or it would wait forever for a
 * leader that a one-voter quorum cannot have. */
static int check_configuration(struct sluice_raft *shim, const struct sluice_raft_options *options)
{
    unsigned i;
    if (shim->raft.configuration.n == 0) {
        set_message(shim, "%s holds raft state but no configuration", options->dir);
        return RAFT_CORRUPT;
    }
    for (i = 0; i < shim->raft.configuration.n; i++) {
        const struct raft_server *server = &shim->raft.configuration.servers[i];
        if (server->id == options->node_id && server->role == RAFT_VOTER) {
            return 0;
        }
    }
    set_message(shim, "node id %llu is not a voter of the configuration in %s (first server: id %llu at %s)",
                (unsigned long long)options->node_id, options->dir, shim->raft.configuration.servers[0].id,
                shim->raft.configuration.servers[0].address);
    return RAFT_INVALID;
}

static int open_raft(struct sluice_raft *shim, const struct sluice_raft_options *options)
{
    int rv = open_transport(shim, options);
    if (rv != 0) {
        return rv;
    }
    rv = raft_uv_init(&shim->io, &shim->loop, options->dir, &shim->transport);
    if (rv != 0) {
        set_raft_message(shim, "raft I/O", rv, shim->io.errmsg);
        return rv;
    }
    shim->io_ready = 1;
    /* Auto-recovery renames a segment it cannot read to corrupt-* and starts without its
     * entries: silent loss of committed metadata. Fail instead. */
    raft_uv_set_auto_recovery(&shim->io, false);
    shim->fsm.version = 1;
    shim->fsm.data = shim;
    shim->fsm.apply = fsm_apply;
    shim->fsm.snapshot = fsm_snapshot;
    shim->fsm.restore = fsm_restore;
    rv = raft_init(&shim->raft, &shim->io, &shim->fsm, options->node_id, options->address);
    if (rv != 0) {
        set_raft_message(shim, "open", rv, raft_errmsg(&shim->raft));
        return rv;
    }
    shim->raft_ready = 1;
    raft_set_election_timeout(&shim->raft, options->election_timeout_ms);
    raft_set_heartbeat_timeout(&shim->raft, options->heartbeat_timeout_ms);
    raft_set_snapshot_threshold(&shim->raft, options->snapshot_threshold);
    raft_set_snapshot_trailing(&shim->raft, options->snapshot_trailing);
    if (options->bootstrap) {
        rv = bootstrap(shim, options);
        if (rv != 0) {
            return rv;
        }
    }
    rv = raft_start(&shim->raft);
    if (rv != 0) {
        if (!shim->restore_failed) {
            set_raft_message(shim, "start", rv, raft_errmsg(&shim->raft));
        }
        return rv;
    }
    shim->started = 1;
    return check_configuration(shim, options);
}

/* ---- shutdown ---- */

static void close_handles(struct sluice_raft *shim)
{
    uv_close((uv_handle_t *)&shim->wakeup, NULL);
    uv_close((uv_handle_t *)&shim->observer, NULL);
}

static void release_io(struct sluice_raft *shim)
{
    if (shim->io_ready) {
        raft_uv_close(&shim->io);
        shim->io_ready = 0;
    }
    if (shim->tcp_transport) {
        raft_uv_tcp_close(&shim->transport);
        shim->tcp_transport = 0;
    }
    shim->transport_ready = 0;
}

static void raft_closed(struct raft *raft)
{
    struct sluice_raft *shim = raft->data;
    release_io(shim);
    close_handles(shim);
}

/* Nothing of raft's is being written: every appended entry is stored and no snapshot is
 * being put. */
static int io_idle(struct sluice_raft *shim)
{
    return shim->raft.last_stored == raft_last_index(&shim->raft) && shim->raft.snapshot.put.data == NULL;
}

/* libraft 0.15 dereferences NULL inside raft_close when it cancels several disk appends in
 * flight (likely the append-cancellation cleanup fixed upstream after 0.15,
 * canonical/raft#352). So raft_close waits until the appends in flight are written, which for
 * a one-voter quorum also commits and applies them; SLUICE_RAFT_CLOSE_DRAIN_MS bounds the wait
 * for a disk that never answers. */
#define SLUICE_RAFT_CLOSE_DRAIN_MS 5000

static void finish_close(struct sluice_raft *shim)
{
    if (shim->raft_closing) {
        return;
    }
    if (shim->started && !io_idle(shim) && uv_now(&shim->loop) < shim->close_deadline_ms) {
        return; /* checked again after the next loop turn */
    }
    shim->raft_closing = 1;
    shim->raft.data = shim;
    raft_close(&shim->raft, raft_closed);
}

void sluice_raft_close(struct sluice_raft *shim)
{
    if (shim->closing) {
        return;
    }
    shim->closing = 1;
    if (shim->raft_ready) {
        shim->close_deadline_ms = uv_now(&shim->loop) + SLUICE_RAFT_CLOSE_DRAIN_MS;
        finish_close(shim);
        return;
    }
    release_io(shim);
    close_handles(shim);
}

/* Proposals raft never called back for (none expected: raft_close fails them) end here. */
static void fail_outstanding(struct sluice_raft *shim)
{
    while (shim->pending.next != &shim->pending) {
        struct pending_apply *p = shim->pending.next;
        pending_unlink(p);
        shim->callbacks.proposed(shim->callbacks.context, p->token, SLUICE_RAFT_SHUTDOWN, 0);
        free(p);
    }
}

void sluice_raft_run(struct sluice_raft *shim, const struct sluice_raft_options *options)
{
    int rv;
    shim->ran = 1;
    shim->entry_bytes_max = options->entry_bytes_max;
    rv = open_raft(shim, options);
    if (rv != 0) {
        report_ready(shim, status_of(rv));
        sluice_raft_close(shim);
    } else {
        maybe_propose_barrier(shim);
    }
    uv_run(&shim->loop, UV_RUN_DEFAULT);
    if (!shim->ready_reported) {
        set_message(shim, "stopped before start-up finished");
        report_ready(shim, SLUICE_RAFT_SHUTDOWN);
    }
    fail_outstanding(shim);
    rv = uv_loop_close(&shim->loop);
    if (rv != 0) {
        fail_hard("libuv loop still has open handles after raft closed");
    }
}

void sluice_raft_wake(struct sluice_raft *shim)
{
    uv_async_send(&shim->wakeup);
}

void sluice_raft_destroy(struct sluice_raft *shim)
{
    if (shim == NULL) {
        return;
    }
    if (!shim->ran) {
        close_handles(shim);
        uv_run(&shim->loop, UV_RUN_DEFAULT);
        uv_loop_close(&shim->loop);
    }
    free(shim);
}
