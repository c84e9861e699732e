/* The peer broker for bench/compare/run.sh: librdkafka's mock cluster (rdkafka_mock.h) with one
 * broker on loopback, serving Kafka from memory. It checks no CRCs, writes nothing to disk and
 * keeps only the last 5 MiB of each partition, so it is a lower bound on a broker's work.
 *
 * usage: mock_broker <topic>:<partitions> ...
 * Prints "bootstrap=<host:port>" once the topics exist, then serves until SIGTERM or SIGINT. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int wait_for_stop_signal(void) {
    sigset_t stop_signals;
    int signal_number = 0;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    return sigwait(&stop_signals, &signal_number) == 0 ? signal_number : -1;
}

/* Blocked before librdkafka starts its threads, so that they inherit the mask and only
 * sigwait() receives the signals. */
static void block_stop_signals(void) {
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
}

static int create_topic(rd_kafka_mock_cluster_t *cluster, const char *spec) {
    const char *colon = strrchr(spec, ':');
    int partitions = colon ? atoi(colon + 1) : 0;
    if (!colon || colon == spec || partitions < 1) {
        fprintf(stderr, "mock_broker: topic spec '%s' is not <topic>:<partitions>\n", spec);
        return -1;
    }
    char name[256];
    snprintf(name, sizeof(name), "%.*s", (int)(colon - spec), spec);
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, name, partitions, 1);
    if (err) {
        fprintf(stderr, "mock_broker: creating %s: %s\n", name, rd_kafka_err2str(err));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    block_stop_signals();
    char error[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* Quiet the warning that this handle has no bootstrap.servers. */
    rd_kafka_conf_set(conf, "log_level", "3", error, sizeof(error));
    /* The mock cluster lives inside a client handle; this one never connects anywhere. */
    rd_kafka_t *host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
    if (!host) {
        fprintf(stderr, "mock_broker: %s\n", error);
        return 1;
    }
    rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(host, 1);
    if (!cluster) {
        fprintf(stderr, "mock_broker: could not create the mock cluster\n");
        return 1;
    }
    for (int i = 1; i < argc; i++)
        if (create_topic(cluster, argv[i]) != 0)
            return 2;
    printf("bootstrap=%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
    fflush(stdout);
    int signal_number = wait_for_stop_signal();
    fprintf(stderr, "mock_broker: signal %d, stopping\n", signal_number);
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(host);
    return 0;
}
