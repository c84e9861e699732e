/* The broker's own produce latency at a fixed rate, without a client library in the way
 * (bench/compare/run.sh, issue 7).
 *
 * latency_client.c measures what an application sees through librdkafka: its figures include
 * librdkafka's thread hand-offs (application -> broker thread -> delivery-report queue -> poll),
 * which cost ~200 µs at p50 on these machines against any broker (the mock's p50 is in that
 * range too). This probe speaks the wire protocol itself: one TCP connection, Produce v3
 * requests each carrying one record batch (magic 2, CRC-32C, one record) for one partition
 * (partitions taken in turn), written on schedule by a pacer thread and read back by a reader
 * thread. A request's latency runs from just before its write(2) to the read(2) that completed
 * its response: the broker's work plus two loopback hops.
 *
 * Like latency_client.c, the pacer sends record i at start + i/rate and reports how far behind
 * it got; requests are pipelined (a slow response does not hold back the next request, so a
 * stall shows in the percentiles rather than being skipped); latencies of the first <warmup>
 * seconds are dropped; every latency is kept and percentiles are nearest-rank, exact.
 *
 * With -F <records> it measures catch-up reads instead: Fetch v4 requests for every partition
 * of the topic from offset 0 (1 MiB per partition, 64 MiB per response, one request at a
 * time), walking only the batch headers of each answer to find the next offsets, until
 * <records> records came back (from the start again after the end: the mock keeps only 5 MiB
 * per partition); it prints records/s and MB/s. rdkafka_performance's consumer
 * parses every record and runs out of CPU near the mock's rate, so the broker's own fetch rate
 * is measured here, like its produce latency above.
 *
 * usage: wire_latency -b <host:port> -t <topic> -p <partitions> -s <record bytes> -a <acks 1|-1>
 *                     -r <msgs/s> [-d <measured seconds>=6] [-w <warm-up seconds>=1]
 *        wire_latency -b <host:port> -t <topic> -p <partitions> -F <records>
 * Prints one JSON line on stdout; diagnostics on stderr. Exit status 0 when every request was
 * answered without an error. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), one table, byte at a time: a few
 * hundred bytes per request at 10k requests/s. */
static uint32_t crc_table[256];
static void crc32c_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc_table[i] = c;
    }
}
static uint32_t crc32c(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/* Big-endian and zig-zag varint writers over a cursor. */
struct out {
    uint8_t *p;
};
static void put8(struct out *o, uint8_t v) { *o->p++ = v; }
static void put16(struct out *o, uint16_t v) { put8(o, v >> 8), put8(o, v & 0xFF); }
static void put32(struct out *o, uint32_t v) { put16(o, v >> 16), put16(o, v & 0xFFFF); }
static void put64(struct out *o, uint64_t v) { put32(o, v >> 32), put32(o, v & 0xFFFFFFFFu); }
static void put_varint(struct out *o, int64_t v) {
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (z >= 0x80) put8(o, (uint8_t)(z | 0x80)), z >>= 7;
    put8(o, (uint8_t)z);
}
static void put_string(struct out *o, const char *s) {
    size_t n = strlen(s);
    put16(o, (uint16_t)n);
    memcpy(o->p, s, n);
    o->p += n;
}
static void patch32(uint8_t *at, uint32_t v) {
    struct out o = {at};
    put32(&o, v);
}

/* One Produce v3 request (header v1) for <partition> with one record of <value_bytes> bytes;
 * returns its length including the size prefix. */
static size_t encode_produce(uint8_t *buf, int32_t correlation_id, const char *topic, int32_t partition,
                             int16_t acks, const uint8_t *value, int32_t value_bytes) {
    struct out o = {buf};
    put32(&o, 0); /* size, patched below */
    put16(&o, 0); /* api key: Produce */
    put16(&o, 3); /* api version */
    put32(&o, (uint32_t)correlation_id);
    put_string(&o, "sluice-wire-latency");
    put16(&o, 0xFFFF); /* transactional id: null */
    put16(&o, (uint16_t)acks);
    put32(&o, 30000); /* timeout ms */
    put32(&o, 1);     /* topics */
    put_string(&o, topic);
    put32(&o, 1); /* partitions */
    put32(&o, (uint32_t)partition);
    uint8_t *records_size = o.p;
    put32(&o, 0); /* records bytes length, patched below */

    uint8_t *batch = o.p;
    int64_t timestamp_ms = (int64_t)time(NULL) * 1000;
    put64(&o, 0); /* base offset */
    uint8_t *batch_length = o.p;
    put32(&o, 0);          /* batch length, patched below */
    put32(&o, 0xFFFFFFFF); /* partition leader epoch */
    put8(&o, 2);           /* magic */
    uint8_t *crc_at = o.p;
    put32(&o, 0); /* crc, patched below */
    uint8_t *crc_from = o.p;
    put16(&o, 0); /* attributes: no compression, create time */
    put32(&o, 0); /* last offset delta */
    put64(&o, (uint64_t)timestamp_ms);
    put64(&o, (uint64_t)timestamp_ms);
    put64(&o, UINT64_MAX); /* producer id -1 */
    put16(&o, 0xFFFF);     /* producer epoch -1 */
    put32(&o, 0xFFFFFFFF); /* base sequence -1 */
    put32(&o, 1);          /* records */
    /* The record: its length first, so encode the body into a scratch area and copy. */
    uint8_t body[64];
    struct out r = {body};
    put8(&r, 0);        /* attributes */
    put_varint(&r, 0);  /* timestamp delta */
    put_varint(&r, 0);  /* offset delta */
    put_varint(&r, -1); /* key: null */
    put_varint(&r, value_bytes);
    size_t head = (size_t)(r.p - body);
    size_t record_length = head + (size_t)value_bytes + 1; /* + the header count */
    put_varint(&o, (int64_t)record_length);
    memcpy(o.p, body, head);
    o.p += head;
    memcpy(o.p, value, (size_t)value_bytes);
    o.p += value_bytes;
    put_varint(&o, 0); /* headers */

    patch32(batch_length, (uint32_t)(o.p - batch_length - 4));
    patch32(crc_at, crc32c(crc_from, (size_t)(o.p - crc_from)));
    patch32(records_size, (uint32_t)(o.p - batch));
    patch32(buf, (uint32_t)(o.p - buf - 4));
    return (size_t)(o.p - buf);
}

static struct {
    int fd;
    int64_t *sent_at; /* by correlation id */
    int64_t *latency; /* by correlation id; -1 until answered */
    int32_t total;
    atomic_int answered, errors;
} probe;

static int read_full(int fd, uint8_t *buf, size_t n) {
    while (n > 0) {
        ssize_t got = read(fd, buf, n);
        if (got <= 0) {
            if (got < 0 && errno == EINTR) continue;
            return -1;
        }
        buf += got, n -= (size_t)got;
    }
    return 0;
}

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* Reads responses in order; a response's error code sits after its correlation id, the topic
 * array count and name, and the partition array count and index. */
static void *reader(void *unused) {
    (void)unused;
    uint8_t buf[65536];
    while (atomic_load(&probe.answered) < probe.total) {
        uint8_t size[4];
        if (read_full(probe.fd, size, 4) != 0) break;
        uint32_t n = get32(size);
        if (n > sizeof(buf) || read_full(probe.fd, buf, n) != 0) break;
        int64_t at = now_ns();
        int32_t id = (int32_t)get32(buf);
        if (id < 0 || id >= probe.total) break;
        probe.latency[id] = at - probe.sent_at[id];
        uint16_t name_length = (uint16_t)(buf[8] << 8 | buf[9]);
        const uint8_t *partition = buf + 10 + name_length;
        int16_t error = (int16_t)(partition[8] << 8 | partition[9]);
        if (error != 0) atomic_fetch_add(&probe.errors, 1);
        atomic_fetch_add(&probe.answered, 1);
    }
    return NULL;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }

/* One Fetch v4 request (header v1) for every partition at its offset. */
static size_t encode_fetch(uint8_t *buf, int32_t correlation_id, const char *topic, int partitions,
                           const int64_t *offsets) {
    struct out o = {buf};
    put32(&o, 0);
    put16(&o, 1); /* api key: Fetch */
    put16(&o, 4); /* api version */
    put32(&o, (uint32_t)correlation_id);
    put_string(&o, "sluice-wire-fetch");
    put32(&o, 0xFFFFFFFF); /* replica id: a consumer */
    put32(&o, 500);        /* max wait ms */
    put32(&o, 1);          /* min bytes */
    put32(&o, 64 << 20);   /* max bytes */
    put8(&o, 0);           /* isolation: read_uncommitted */
    put32(&o, 1);
    put_string(&o, topic);
    put32(&o, (uint32_t)partitions);
    for (int p = 0; p < partitions; p++) {
        put32(&o, (uint32_t)p);
        put64(&o, (uint64_t)offsets[p]);
        put32(&o, 1 << 20); /* partition max bytes */
    }
    patch32(buf, (uint32_t)(o.p - buf - 4));
    return (size_t)(o.p - buf);
}

/* Walks a Fetch v4 response: for each partition, the whole batches of its records (a partial
 * last batch is skipped, as clients do) advance its offset and add their records. Returns the
 * records in the response, or -1 for a malformed one or a partition error. */
static int64_t read_fetch_response(const uint8_t *r, size_t n, int partitions, int64_t *offsets,
                                   int64_t *high_watermarks) {
    const uint8_t *end = r + n, *p = r + 4 + 4; /* correlation id, throttle time */
    int64_t records = 0;
    if (p + 4 > end) return -1;
    uint32_t topics = get32(p);
    p += 4;
    for (uint32_t t = 0; t < topics; t++) {
        if (p + 2 > end) return -1;
        p += 2 + get16(p);
        if (p + 4 > end) return -1;
        uint32_t count = get32(p);
        p += 4;
        for (uint32_t i = 0; i < count; i++) {
            if (p + 4 + 2 + 8 + 8 + 4 > end) return -1;
            int32_t partition = (int32_t)get32(p);
            int16_t error = (int16_t)get16(p + 4);
            int64_t high_watermark = (int64_t)get64(p + 6);
            p += 4 + 2 + 8 + 8;
            int32_t aborted = (int32_t)get32(p);
            p += 4 + (aborted > 0 ? (size_t)aborted * 16 : 0);
            if (p + 4 > end || error != 0 || partition < 0 || partition >= partitions) return -1;
            high_watermarks[partition] = high_watermark;
            uint32_t size = get32(p);
            p += 4;
            if (p + size > end) return -1;
            for (const uint8_t *b = p; b + 61 <= p + size;) {
                uint32_t batch_length = get32(b + 8);
                if (b + 12 + batch_length > p + size) break;
                int64_t base = (int64_t)get64(b);
                int32_t last_delta = (int32_t)get32(b + 23);
                if (base + last_delta + 1 > offsets[partition]) {
                    records += (int32_t)get32(b + 57);
                    offsets[partition] = base + last_delta + 1;
                }
                b += 12 + batch_length;
            }
            p += size;
        }
    }
    return records;
}

static int fetch_catch_up(const char *topic, int partitions, int64_t wanted) {
    int64_t *offsets = calloc((size_t)partitions, sizeof(int64_t));
    int64_t *high_watermarks = calloc((size_t)partitions, sizeof(int64_t));
    uint8_t *request = malloc(64 + strlen(topic) + (size_t)partitions * 16);
    size_t capacity = (64u << 20) + (1u << 20);
    uint8_t *response = malloc(capacity);
    if (!offsets || !high_watermarks || !request || !response) return 1;
    int64_t records = 0, bytes = 0, requests = 0, passes = 0, start = now_ns();
    while (records < wanted) {
        /* At the end of every partition: read the topic again from the start (a fetch past
         * the end would wait max wait ms for records that never come). */
        int at_end = 1;
        for (int p = 0; p < partitions && at_end; p++) at_end = offsets[p] >= high_watermarks[p];
        if (at_end && requests > 0) {
            memset(offsets, 0, (size_t)partitions * sizeof(int64_t));
            passes++;
        }
        size_t n = encode_fetch(request, (int32_t)requests, topic, partitions, offsets);
        if (write(probe.fd, request, n) != (ssize_t)n) {
            fprintf(stderr, "wire_latency: write failed\n");
            return 1;
        }
        uint8_t size[4];
        if (read_full(probe.fd, size, 4) != 0 || get32(size) > capacity ||
            read_full(probe.fd, response, get32(size)) != 0) {
            fprintf(stderr, "wire_latency: no fetch response\n");
            return 1;
        }
        int64_t got = read_fetch_response(response, get32(size), partitions, offsets, high_watermarks);
        if (got < 0) {
            fprintf(stderr, "wire_latency: malformed fetch response or partition error\n");
            return 1;
        }
        if (got == 0) {
            fprintf(stderr, "wire_latency: the topic ended after %lld records\n", (long long)records);
            return 1;
        }
        records += got;
        bytes += get32(size);
        requests++;
    }
    double seconds = (double)(now_ns() - start) / 1e9;
    printf("{\"records\": %lld, \"response_bytes\": %lld, \"requests\": %lld, \"passes\": %lld, "
           "\"seconds\": %.3f, \"msgs_per_s\": %.0f, \"MBps\": %.1f, \"records_per_request\": %.1f}\n",
           (long long)records, (long long)bytes, (long long)requests, (long long)passes + 1, seconds,
           (double)records / seconds,
           (double)bytes / 1e6 / seconds, (double)records / (double)requests);
    return 0;
}

static int compare_int64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}
static double percentile_us(const int64_t *sorted, size_t n, double p) {
    if (n == 0) return 0;
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return (double)sorted[rank - 1] / 1e3;
}

static int connect_to(const char *bootstrap) {
    char host[256];
    const char *colon = strrchr(bootstrap, ':');
    if (!colon || (size_t)(colon - bootstrap) >= sizeof(host)) return -1;
    snprintf(host, sizeof(host), "%.*s", (int)(colon - bootstrap), bootstrap);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found;
    if (getaddrinfo(host, colon + 1, &hints, &found) != 0) return -1;
    int fd = socket(found->ai_family, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) != 0) close(fd), fd = -1;
    freeaddrinfo(found);
    if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
    return fd;
}

int main(int argc, char **argv) {
    const char *bootstrap = NULL, *topic = NULL;
    int partitions = 1, record_bytes = 100, acks = 1, rate = 10000, seconds = 6, warmup = 1, opt;
    int64_t fetch_records = 0;
    while ((opt = getopt(argc, argv, "b:t:p:s:a:r:d:w:F:")) != -1) {
        switch (opt) {
        case 'b': bootstrap = optarg; break;
        case 't': topic = optarg; break;
        case 'p': partitions = atoi(optarg); break;
        case 's': record_bytes = atoi(optarg); break;
        case 'a': acks = atoi(optarg); break;
        case 'r': rate = atoi(optarg); break;
        case 'd': seconds = atoi(optarg); break;
        case 'w': warmup = atoi(optarg); break;
        case 'F': fetch_records = atoll(optarg); break;
        default: fprintf(stderr, "usage: see the head of wire_latency.c\n"); return 2;
        }
    }
    if (!bootstrap || !topic || partitions < 1 || record_bytes < 1 || record_bytes > 60000 || rate < 1 ||
        seconds < 1 || warmup < 0 || (acks != 1 && acks != -1)) {
        fprintf(stderr, "usage: see the head of wire_latency.c\n");
        return 2;
    }
    crc32c_init();
    probe.fd = connect_to(bootstrap);
    if (probe.fd < 0) {
        fprintf(stderr, "wire_latency: cannot connect to %s\n", bootstrap);
        return 1;
    }
    if (fetch_records > 0) return fetch_catch_up(topic, partitions, fetch_records);
    probe.total = rate * (seconds + warmup);
    probe.sent_at = calloc((size_t)probe.total, sizeof(int64_t));
    probe.latency = malloc((size_t)probe.total * sizeof(int64_t));
    uint8_t *value = malloc((size_t)record_bytes), *request = malloc((size_t)record_bytes + 1024);
    if (!probe.sent_at || !probe.latency || !value || !request) return 1;
    memset(value, 'x', (size_t)record_bytes);
    for (int32_t i = 0; i < probe.total; i++) probe.latency[i] = -1;

    pthread_t reader_thread;
    pthread_create(&reader_thread, NULL, reader, NULL);
    int64_t start = now_ns() + 1000000, behind_max = 0;
    for (int32_t i = 0; i < probe.total; i++) {
        size_t n = encode_produce(request, i, topic, i % partitions, (int16_t)acks, value, record_bytes);
        int64_t due = start + (int64_t)i * 1000000000 / rate, now = now_ns();
        if (now < due) {
            struct timespec ts = {.tv_sec = due / 1000000000, .tv_nsec = due % 1000000000};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        } else if (now - due > behind_max) {
            behind_max = now - due;
        }
        probe.sent_at[i] = now_ns();
        for (size_t off = 0; off < n;) {
            ssize_t w = write(probe.fd, request + off, n - off);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                fprintf(stderr, "wire_latency: write failed: %s\n", strerror(errno));
                return 1;
            }
            off += (size_t)w;
        }
    }
    /* Give the last responses up to 10 s, then stop the reader by closing the socket. */
    for (int waited = 0; atomic_load(&probe.answered) < probe.total && waited < 1000; waited++) usleep(10000);
    shutdown(probe.fd, SHUT_RDWR);
    pthread_join(reader_thread, NULL);

    int32_t first = rate * warmup, measured = 0, unanswered = 0;
    int64_t *sorted = malloc((size_t)probe.total * sizeof(int64_t));
    for (int32_t i = 0; i < probe.total; i++) {
        if (probe.latency[i] < 0) unanswered++;
        else if (i >= first) sorted[measured++] = probe.latency[i];
    }
    qsort(sorted, (size_t)measured, sizeof(int64_t), compare_int64);
    double sum = 0;
    for (int32_t i = 0; i < measured; i++) sum += (double)sorted[i];
    printf("{\"rate_msgs_per_s\": %d, \"record_bytes\": %d, \"acks\": \"%d\", \"partitions\": %d, \"sent\": %d, "
           "\"answered\": %d, \"unanswered\": %d, \"errors\": %d, \"behind_max_ms\": %.2f, "
           "\"request\": {\"count\": %d, \"avg_us\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f, \"p999_us\": %.1f, "
           "\"max_us\": %.1f}}\n",
           rate, record_bytes, acks, partitions, probe.total, atomic_load(&probe.answered), unanswered,
           atomic_load(&probe.errors), (double)behind_max / 1e6, measured, measured ? sum / measured / 1e3 : 0,
           percentile_us(sorted, (size_t)measured, 50), percentile_us(sorted, (size_t)measured, 99),
           percentile_us(sorted, (size_t)measured, 99.9), measured ? (double)sorted[measured - 1] / 1e3 : 0);
    return unanswered == 0 && atomic_load(&probe.errors) == 0 ? 0 : 1;
}
