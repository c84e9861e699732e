#include "cli/consume_source.h"

#include <string>

namespace sluice::cli {

namespace {

class group_source final : public consume_source {
public:
    explicit group_source(const kafka_client& consumer) : _consumer(consumer) {}

    message_ptr poll(int timeout_ms) override {
        return message_ptr(rd_kafka_consumer_poll(_consumer.get(), timeout_ms));
    }

    std::vector<int32_t> partitions() const override {
        rd_kafka_topic_partition_list_t* assigned = nullptr;
        std::vector<int32_t> out;
        if (rd_kafka_assignment(_consumer.get(), &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
        const partition_list owned(assigned);
        for (int i = 0; i < assigned->cnt; ++i) out.push_back(assigned->elems[i].partition);
        return out;
    }

    void close() override { rd_kafka_consumer_close(_consumer.get()); }

private:
    const kafka_client& _consumer;
};

class partition_source final : public consume_source {
public:
    partition_source(const kafka_client& consumer, rd_kafka_topic_t* topic, std::vector<int32_t> partitions)
        : _consumer(consumer), _topic(topic), _queue(rd_kafka_queue_new(consumer.get())),
          _partitions(std::move(partitions)) {}
    ~partition_source() override {
        close();
        rd_kafka_queue_destroy(_queue);
        rd_kafka_topic_destroy(_topic);
    }
    partition_source(const partition_source&) = delete;
    partition_source& operator=(const partition_source&) = delete;

    rd_kafka_resp_err_t start(int32_t partition, int64_t offset) {
        if (rd_kafka_consume_start_queue(_topic, partition, offset, _queue) != 0) return rd_kafka_last_error();
        _started.push_back(partition);
        return RD_KAFKA_RESP_ERR_NO_ERROR;
    }

    message_ptr poll(int timeout_ms) override {
        rd_kafka_poll(_consumer.get(), 0); // error_cb
        return message_ptr(rd_kafka_consume_queue(_queue, timeout_ms));
    }

    std::vector<int32_t> partitions() const override { return _partitions; }

    void close() override {
        for (const int32_t partition : _started) rd_kafka_consume_stop(_topic, partition);
        _started.clear();
    }

private:
    const kafka_client& _consumer;
    rd_kafka_topic_t* _topic;
    rd_kafka_queue_t* _queue;
    std::vector<int32_t> _partitions;
    std::vector<int32_t> _started;
};

} // namespace

result<std::unique_ptr<consume_source>> subscribe(const kafka_client& consumer, const std::string& topic) {
    // Callbacks (error_cb) are served by rd_kafka_consumer_poll from here on.
    rd_kafka_poll_set_consumer(consumer.get());
    const partition_list topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
    if (const auto error = rd_kafka_subscribe(consumer.get(), topics.get()); error != RD_KAFKA_RESP_ERR_NO_ERROR)
        return failure{std::string("subscribe: ") + rd_kafka_err2str(error)};
    return std::unique_ptr<consume_source>(std::make_unique<group_source>(consumer));
}

result<std::unique_ptr<consume_source>> start_partitions(const kafka_client& consumer, const std::string& topic,
                                                         partition_list start) {
    rd_kafka_topic_t* handle = rd_kafka_topic_new(consumer.get(), topic.c_str(), nullptr);
    if (handle == nullptr) return failure{"topic " + topic + ": " + rd_kafka_err2str(rd_kafka_last_error())};
    std::vector<int32_t> partitions;
    for (int i = 0; i < start->cnt; ++i) partitions.push_back(start->elems[i].partition);
    auto source = std::make_unique<partition_source>(consumer, handle, partitions);
    for (int i = 0; i < start->cnt; ++i) {
        const auto& p = start->elems[i];
        if (const auto error = source->start(p.partition, p.offset); error != RD_KAFKA_RESP_ERR_NO_ERROR)
            return failure{"partition " + std::to_string(p.partition) + ": " + rd_kafka_err2str(error)};
    }
    return std::unique_ptr<consume_source>(std::move(source));
}

} // namespace sluice::cli
