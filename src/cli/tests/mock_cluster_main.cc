// cli_mock_cluster: librdkafka's in-process mock cluster (rdkafka_mock.h) as a program, for the
// CLI integration tests. Prints "bootstrap <host:port,...>" on stdout, then serves until its
// stdin closes (the test ends it by closing the pipe, or by dying).
//
//   cli_mock_cluster [--brokers N] [--topic NAME:PARTITIONS]...
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct topic_spec {
    std::string name;
    int partitions = 1;
};

int usage() {
    std::fprintf(stderr, "usage: cli_mock_cluster [--brokers N] [--topic NAME:PARTITIONS]...\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    int brokers = 1;
    std::vector<topic_spec> topics;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) return usage();
        const std::string value = argv[++i];
        if (arg == "--brokers") {
            brokers = std::atoi(value.c_str());
        } else if (arg == "--topic") {
            const size_t colon = value.rfind(':');
            if (colon == std::string::npos) return usage();
            topics.push_back({value.substr(0, colon), std::atoi(value.c_str() + colon + 1)});
        } else {
            return usage();
        }
    }

    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, nullptr);
    char error[256];
    rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (handle == nullptr) {
        std::fprintf(stderr, "rd_kafka_new: %s\n", error);
        return 1;
    }
    rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle, brokers);
    if (cluster == nullptr) {
        std::fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
        return 1;
    }
    for (const auto& t : topics) {
        if (rd_kafka_mock_topic_create(cluster, t.name.c_str(), t.partitions, 1) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::fprintf(stderr, "cannot create topic %s\n", t.name.c_str());
            return 1;
        }
    }
    std::printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(cluster));
    std::fflush(stdout);

    char buffer[256];
    while (read(STDIN_FILENO, buffer, sizeof buffer) > 0) {}

    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(handle);
    return 0;
}
