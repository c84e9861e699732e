/* Latency at a fixed rate for bench/compare/run.sh (issue 7): one producer paced to <rate>
 * msgs/s and, in the same process, one consumer reading the same topic back.
 *
 * - delivery latency: from the produce() call to the delivery report (acks=1: the leader has
 *   appended; acks=all: Sluice has also fdatasync'ed), as OpenMessaging Benchmark's "publish
 *   latency";
 * - end-to-end latency: from the produce() call to the consumer handing the record to the
 *   application; the send time travels in the first 8 bytes of the payload (CLOCK_MONOTONIC,
 *   valid because both ends are in this process).
 *
 * The pacer sends record i at start + i/rate; when it falls behind (the broker pushes back, or
 * the machine is busy) it sends the overdue records at once and reports how far behind it got,
 * so a rate that was not kept is visible rather than hidden. Latencies of the first <warmup>
 * seconds are dropped. Every latency is kept (no histogram buckets) and sorted at the end:
 * percentiles are nearest-rank, exact.
 *
 * Without -E there is no consumer: librdkafka's mock broker walks a partition's batches one by one
 * to serve each Fetch, so a consumer beside it at 10k batches/s takes its one thread and the
 * producer's latency with it. run.sh measures delivery latency without -E, end-to-end with it.
 *
 * librdkafka's rdkafka_performance -l prints only avg/lo/hi, hence this client.
 *
 * usage: latency_client -b <bootstrap> -t <topic> -s <record bytes> -a <acks> -r <msgs/s>
 *                       [-d <measured seconds>=6] [-w <warm-up seconds>=1] [-X <producer key=value>]...
 *                       [-C <consumer key=value>]... [-E (end-to-end: also consume)]
 * Prints one JSON line on stdout; diagnostics on stderr. Exit status 0 when every record was
 * delivered and read back. */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Latencies in ns, appended by exactly one thread, read after that thread is joined. */
struct samples {
    int64_t *values;
    size_t count, capacity, dropped;
};

static void samples_add(struct samples *s, int64_t value) {
    if (s->count < s->capacity) s->values[s->count++] = value;
    else s->dropped++;
}

static int compare_int64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values, in µs. */
static double percentile_us(const struct samples *s, double p) {
    if (!s->count) return -1;
    size_t rank = (size_t)(p * (double)s->count + 0.999999999);
    if (rank < 1) rank = 1;
    return (double)s->values[rank - 1] / 1e3;
}

static void print_summary(const char *name, struct samples *s) {
    qsort(s->values, s->count, sizeof(int64_t), compare_int64);
    double sum = 0;
    for (size_t i = 0; i < s->count; i++) sum += (double)s->values[i];
    printf("\"%s\": {\"count\": %zu, \"avg_us\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f, "
           "\"p999_us\": %.1f, \"max_us\": %.1f}", name, s->count, s->count ? sum / (double)s->count / 1e3 : -1,
           percentile_us(s, 0.50), percentile_us(s, 0.99), percentile_us(s, 0.999),
           s->count ? (double)s->values[s->count - 1] / 1e3 : -1);
}

static struct {
    int64_t measure_from_ns; /* records sent before this are warm-up; set before any thread starts */
    atomic_int stop_polling, stop_consuming;
    atomic_long delivered, delivery_errors, consumed_measured;
    struct samples delivery, end_to_end;
    rd_kafka_t *producer, *consumer;
} bench;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk; (void)opaque;
    int64_t sent_ns = (int64_t)(intptr_t)message->_private;
    if (message->err) {
        if (atomic_fetch_add(&bench.delivery_errors, 1) < 5)
            fprintf(stderr, "latency_client: delivery failed: %s\n", rd_kafka_err2str(message->err));
        return;
    }
    atomic_fetch_add(&bench.delivered, 1);
    if (sent_ns >= bench.measure_from_ns) samples_add(&bench.delivery, now_ns() - sent_ns);
}

/* Serves delivery reports so that the pacer never blocks in rd_kafka_poll. */
static void *poll_producer(void *unused) {
    (void)unused;
    while (!atomic_load(&bench.stop_polling)) rd_kafka_poll(bench.producer, 20);
    rd_kafka_poll(bench.producer, 0);
    return NULL;
}

static void *consume(void *unused) {
    (void)unused;
    while (!atomic_load(&bench.stop_consuming)) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(bench.consumer, 20);
        if (!message) continue;
        int64_t received_ns = now_ns(), sent_ns;
        if (!message->err && message->len >= sizeof(sent_ns)) {
            memcpy(&sent_ns, message->payload, sizeof(sent_ns));
            if (sent_ns >= bench.measure_from_ns) {
                samples_add(&bench.end_to_end, received_ns - sent_ns);
                atomic_fetch_add(&bench.consumed_measured, 1);
            }
        }
        rd_kafka_message_destroy(message);
    }
    return NULL;
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char error[512];
    if (rd_kafka_conf_set(conf, key, value, error, sizeof(error)) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "latency_client: %s=%s: %s\n", key, value, error);
        exit(2);
    }
}

static rd_kafka_t *make_client(rd_kafka_type_t type, rd_kafka_conf_t *conf) {
    char error[512];
    rd_kafka_t *rk = rd_kafka_new(type, conf, error, sizeof(error));
    if (!rk) {
        fprintf(stderr, "latency_client: %s\n", error);
        exit(2);
    }
    return rk;
}

/* Assigns every partition of the topic at its end offset, and waits until the consumer has
 * resolved each position, so that no measured record is missed. */
static void assign_at_end(const char *topic) {
    const rd_kafka_metadata_t *metadata = NULL;
    rd_kafka_topic_t *handle = rd_kafka_topic_new(bench.consumer, topic, NULL);
    if (rd_kafka_metadata(bench.consumer, 0, handle, &metadata, 10000) || metadata->topic_cnt != 1 ||
        metadata->topics[0].err) {
        fprintf(stderr, "latency_client: no metadata for %s\n", topic);
        exit(2);
    }
    int partitions = metadata->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(metadata);
    rd_kafka_topic_destroy(handle);
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; p++)
        rd_kafka_topic_partition_list_add(list, topic, p)->offset = RD_KAFKA_OFFSET_END;
    rd_kafka_assign(bench.consumer, list);
    rd_kafka_topic_partition_list_destroy(list);
}

static void sleep_until(int64_t deadline_ns) {
    struct timespec ts = {.tv_sec = deadline_ns / 1000000000, .tv_nsec = deadline_ns % 1000000000};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {}
}

int main(int argc, char **argv) {
    const char *bootstrap = NULL, *topic = NULL, *acks = "1";
    int record_bytes = 100, end_to_end = 0, opt;
    double rate = 10000, measured_s = 6, warmup_s = 1;
    rd_kafka_conf_t *producer_conf = rd_kafka_conf_new(), *consumer_conf = rd_kafka_conf_new();
    /* Latency, not batching: send as soon as a record is produced (librdkafka's default waits 5 ms). */
    set(producer_conf, "linger.ms", "0");
    while ((opt = getopt(argc, argv, "b:t:s:a:r:d:w:X:C:E")) != -1) {
        switch (opt) {
        case 'b': bootstrap = optarg; break;
        case 't': topic = optarg; break;
        case 's': record_bytes = atoi(optarg); break;
        case 'a': acks = optarg; break;
        case 'r': rate = atof(optarg); break;
        case 'd': measured_s = atof(optarg); break;
        case 'w': warmup_s = atof(optarg); break;
        case 'E': end_to_end = 1; break;
        case 'X':
        case 'C': {
            char *eq = strchr(optarg, '=');
            if (!eq) { fprintf(stderr, "latency_client: -%c wants key=value\n", opt); return 2; }
            *eq = '\0';
            set(opt == 'X' ? producer_conf : consumer_conf, optarg, eq + 1);
            break;
        }
        default: fprintf(stderr, "usage: see the head of latency_client.c\n"); return 2;
        }
    }
    if (!bootstrap || !topic || record_bytes < 8 || rate <= 0 || measured_s <= 0) {
        fprintf(stderr, "usage: see the head of latency_client.c (record bytes >= 8)\n");
        return 2;
    }
    size_t capacity = (size_t)(rate * measured_s * 1.2) + 1000;
    bench.delivery = (struct samples){malloc(capacity * sizeof(int64_t)), 0, capacity, 0};
    bench.end_to_end = (struct samples){malloc(capacity * sizeof(int64_t)), 0, capacity, 0};

    set(producer_conf, "bootstrap.servers", bootstrap);
    set(producer_conf, "acks", acks);
    rd_kafka_conf_set_dr_msg_cb(producer_conf, on_delivery);
    bench.producer = make_client(RD_KAFKA_PRODUCER, producer_conf);
    if (end_to_end) {
        set(consumer_conf, "bootstrap.servers", bootstrap);
        set(consumer_conf, "group.id", "sluice-bench-latency");
        set(consumer_conf, "enable.auto.commit", "false");
        set(consumer_conf, "enable.partition.eof", "false");
        bench.consumer = make_client(RD_KAFKA_CONSUMER, consumer_conf);
        assign_at_end(topic);
    } else {
        rd_kafka_conf_destroy(consumer_conf);
    }

    char *payload = calloc(1, (size_t)record_bytes);
    memset(payload + 8, 'x', (size_t)record_bytes - 8);
    rd_kafka_topic_t *topic_handle = rd_kafka_topic_new(bench.producer, topic, NULL);
    const int64_t period_ns = (int64_t)(1e9 / rate);
    const int64_t start_ns = now_ns() + 500000000; /* the consumer resolves its positions meanwhile */
    const int64_t measure_from_ns = start_ns + (int64_t)(warmup_s * 1e9);
    const int64_t end_ns = measure_from_ns + (int64_t)(measured_s * 1e9);
    int64_t sent = 0, sent_measured = 0, queue_full = 0, behind_max_ns = 0;
    bench.measure_from_ns = measure_from_ns; /* before the threads start: they only read it */
    pthread_t poller, consumer;
    pthread_create(&poller, NULL, poll_producer, NULL);
    if (end_to_end) pthread_create(&consumer, NULL, consume, NULL);
    for (int64_t due_ns = start_ns; due_ns < end_ns; due_ns = start_ns + sent * period_ns) {
        int64_t t = now_ns();
        if (t < due_ns) { sleep_until(due_ns); t = now_ns(); }
        if (due_ns >= measure_from_ns) {
            sent_measured++;
            if (t - due_ns > behind_max_ns) behind_max_ns = t - due_ns;
        }
        memcpy(payload, &t, sizeof(t));
        while (rd_kafka_produce(topic_handle, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload,
                                (size_t)record_bytes, NULL, 0, (void *)(intptr_t)t) == -1) {
            if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "latency_client: produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
                return 1;
            }
            queue_full++;
            usleep(100);
        }
        sent++;
    }
    rd_kafka_flush(bench.producer, 30000);
    atomic_store(&bench.stop_polling, 1);
    pthread_join(poller, NULL);
    /* Give the consumer up to 5 s to read back what was delivered. */
    for (int i = 0; end_to_end && i < 500 && atomic_load(&bench.consumed_measured) < (long)bench.delivery.count; i++)
        usleep(10000);
    atomic_store(&bench.stop_consuming, 1);
    if (end_to_end) pthread_join(consumer, NULL);

    printf("{\"rate_msgs_per_s\": %.0f, \"record_bytes\": %d, \"acks\": \"%s\", \"sent\": %lld, "
           "\"sent_measured\": %lld, \"delivered\": %ld, \"delivery_errors\": %ld, \"queue_full\": %lld, "
           "\"behind_max_ms\": %.2f, \"samples_dropped\": %zu, ",
           rate, record_bytes, acks, (long long)sent, (long long)sent_measured, atomic_load(&bench.delivered),
           atomic_load(&bench.delivery_errors), (long long)queue_full, (double)behind_max_ns / 1e6,
           bench.delivery.dropped + bench.end_to_end.dropped);
    print_summary("delivery", &bench.delivery);
    printf(", ");
    if (end_to_end) print_summary("end_to_end", &bench.end_to_end);
    else printf("\"end_to_end\": null");
    printf("}\n");
    int complete = atomic_load(&bench.delivery_errors) == 0 &&
                   (!end_to_end || bench.end_to_end.count == bench.delivery.count);
    if (end_to_end) {
        rd_kafka_consumer_close(bench.consumer);
        rd_kafka_destroy(bench.consumer);
    }
    rd_kafka_topic_destroy(topic_handle);
    rd_kafka_destroy(bench.producer);
    return complete ? 0 : 1;
}
