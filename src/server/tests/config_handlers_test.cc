// DescribeConfigs (32), AlterConfigs (33) and IncrementalAlterConfigs (44) through the
// dispatcher: topic configs through the controller, static broker configs, Kafka's errors.
#include "admin_fixture.h"
#include "cluster/topic_config.h"

namespace sluice::server::testing {
namespace {

constexpr int8_t topic_type = 2;
constexpr int8_t broker_type = 4;

msg::describe_configs_request describe(int8_t type, std::string name, std::optional<std::vector<std::string>> keys = std::nullopt) {
    msg::describe_configs_request req;
    auto& res = req.resources.emplace_back();
    res.resource_type = type;
    res.resource_name = std::move(name);
    res.configuration_keys = std::move(keys);
    return req;
}

const msg::describe_configs_response::describe_configs_resource_result* find(
    const msg::describe_configs_response::describe_configs_result& r, std::string_view name) {
    for (const auto& c : r.configs)
        if (c.name == name) return &c;
    return nullptr;
}

class config_handlers : public admin_fixture {};

TEST_F(config_handlers, describe_topic_configs) {
    create("t", 1, {{"retention.ms", "1000"}});
    auto r = call<msg::describe_configs_response>(describe(topic_type, "t"), 1);
    ASSERT_EQ(r.results.size(), 1u);
    const auto& res = r.results[0];
    EXPECT_EQ(res.error_code, error_code::none);
    EXPECT_EQ(res.resource_type, topic_type);
    EXPECT_EQ(res.resource_name, "t");
    EXPECT_EQ(res.configs.size(), cluster::all_topic_configs().size());
    const auto* retention = find(res, "retention.ms");
    ASSERT_NE(retention, nullptr);
    EXPECT_EQ(retention->value, "1000");
    EXPECT_EQ(retention->config_source, 1); // TOPIC_CONFIG
    EXPECT_FALSE(retention->read_only);
    EXPECT_FALSE(retention->is_sensitive);
    EXPECT_TRUE(retention->synonyms.empty()); // not asked for
    const auto* segment = find(res, "segment.bytes");
    EXPECT_EQ(segment->value, "1073741824");
    EXPECT_EQ(segment->config_source, 5); // DEFAULT_CONFIG
    EXPECT_EQ(segment->config_type, 0);   // not on the wire before v3

    auto req = describe(topic_type, "t", std::vector<std::string>{"retention.ms", "no.such.key"});
    req.include_synonyms = true;
    req.include_documentation = true;
    auto v3 = call<msg::describe_configs_response>(req, 3);
    ASSERT_EQ(v3.results[0].configs.size(), 1u);
    const auto& entry = v3.results[0].configs[0];
    EXPECT_EQ(entry.config_type, 5); // LONG
    ASSERT_TRUE(entry.documentation.has_value());
    EXPECT_FALSE(entry.documentation->empty());
    ASSERT_GE(entry.synonyms.size(), 2u);
    EXPECT_EQ(entry.synonyms[0].name, "retention.ms");
    EXPECT_EQ(entry.synonyms[0].value, "1000");
    EXPECT_EQ(entry.synonyms[0].source, 1);
    EXPECT_EQ(entry.synonyms[1].name, "log.retention.hours");
    EXPECT_EQ(entry.synonyms[1].value, "2");
    EXPECT_EQ(entry.synonyms[1].source, 4); // STATIC_BROKER_CONFIG
    req.include_documentation = false;
    auto v4 = call<msg::describe_configs_response>(req, 4);
    EXPECT_FALSE(v4.results[0].configs[0].documentation.has_value());
}

TEST_F(config_handlers, describe_configs_resource_errors) {
    msg::describe_configs_request req;
    for (auto [type, name] : std::vector<std::pair<int8_t, std::string>>{
             {topic_type, "missing"}, {topic_type, "bad name"}, {broker_type, "2"}, {broker_type, "x"}, {8, "1"}}) {
        auto& res = req.resources.emplace_back();
        res.resource_type = type;
        res.resource_name = name;
    }
    auto r = call<msg::describe_configs_response>(req, 4);
    ASSERT_EQ(r.results.size(), 5u);
    EXPECT_EQ(r.results[0].error_code, error_code::unknown_topic_or_partition);
    EXPECT_EQ(r.results[0].error_message, ""); // Kafka leaves the schema's default
    EXPECT_TRUE(r.results[0].configs.empty());
    EXPECT_EQ(r.results[1].error_code, error_code::invalid_topic_exception);
    EXPECT_EQ(r.results[1].error_message,
              "Topic name \"bad name\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'");
    EXPECT_EQ(r.results[2].error_code, error_code::invalid_request);
    EXPECT_EQ(r.results[2].error_message, "Unexpected broker id, expected 1 or empty string, but received 2");
    EXPECT_EQ(r.results[3].error_message, "Broker id must be an integer, but it is: x");
    EXPECT_EQ(r.results[4].error_code, error_code::invalid_request);
    EXPECT_EQ(r.results[4].error_message, "Unsupported resource type: BROKER_LOGGER");
    EXPECT_EQ(r.results[4].resource_type, 8);

    // A resource type Kafka does not know fails every resource of the request.
    req.resources.emplace_back().resource_type = 99;
    r = call<msg::describe_configs_response>(req, 4);
    ASSERT_EQ(r.results.size(), 6u);
    for (const auto& res : r.results) {
        EXPECT_EQ(res.error_code, error_code::invalid_request);
        EXPECT_TRUE(res.configs.empty());
    }
    EXPECT_EQ(r.results[0].resource_name, "missing");
}

TEST_F(config_handlers, describe_broker_configs) {
    auto r = call<msg::describe_configs_response>(describe(broker_type, "1"), 4);
    ASSERT_EQ(r.results[0].error_code, error_code::none);
    const auto* hours = find(r.results[0], "log.retention.hours");
    ASSERT_NE(hours, nullptr);
    EXPECT_EQ(hours->value, "2");
    EXPECT_EQ(hours->config_source, 4); // STATIC_BROKER_CONFIG
    EXPECT_TRUE(hours->read_only);      // no dynamic broker configs
    // The cluster-wide dynamic defaults: none in Sluice.
    auto defaults = call<msg::describe_configs_response>(describe(broker_type, ""), 4);
    EXPECT_EQ(defaults.results[0].error_code, error_code::none);
    EXPECT_TRUE(defaults.results[0].configs.empty());
}

template <typename Request>
auto& add_resource(Request& req, int8_t type, std::string name) {
    auto& res = req.resources.emplace_back();
    res.resource_type = type;
    res.resource_name = std::move(name);
    return res;
}

template <typename Resource>
void add_config(Resource& res, std::string name, std::optional<std::string> value, int8_t op = 0) {
    auto& c = res.configs.emplace_back();
    c.name = std::move(name);
    c.value = std::move(value);
    if constexpr (requires { c.config_operation; }) c.config_operation = op;
}

TEST_F(config_handlers, alter_configs_replaces_a_topics_overrides) {
    create("t", 1, {{"retention.ms", "1000"}, {"cleanup.policy", "compact"}});
    msg::alter_configs_request req;
    add_config(add_resource(req, topic_type, "t"), "segment.ms", "5000");
    req.validate_only = true;
    auto dry = call<msg::alter_configs_response>(req, 0);
    EXPECT_EQ(dry.responses[0].error_code, error_code::none);
    EXPECT_EQ(image()->find("t")->configs.size(), 2u);
    req.validate_only = false;
    for (int16_t v : {0, 2}) {
        auto r = call<msg::alter_configs_response>(req, v);
        ASSERT_EQ(r.responses.size(), 1u);
        EXPECT_EQ(r.responses[0].error_code, error_code::none);
        EXPECT_FALSE(r.responses[0].error_message.has_value());
        EXPECT_EQ(r.responses[0].resource_type, topic_type);
        EXPECT_EQ(r.responses[0].resource_name, "t");
        EXPECT_EQ(image()->find("t")->configs, (storage::properties{{"segment.ms", "5000"}}));
    }
}

TEST_F(config_handlers, alter_configs_errors_are_kafkas) {
    create("t", 1);
    msg::alter_configs_request req;
    add_config(add_resource(req, topic_type, "t"), "retention.ms", "soon");
    add_config(add_resource(req, topic_type, "missing"), "retention.ms", "1");
    add_config(add_resource(req, topic_type, "dup"), "retention.ms", "1");
    add_config(add_resource(req, topic_type, "dup"), "retention.ms", "2");
    auto& keys = add_resource(req, topic_type, "keys");
    add_config(keys, "retention.ms", "1");
    add_config(keys, "retention.ms", "2");
    add_config(add_resource(req, topic_type, "nulls"), "retention.ms", std::nullopt);
    add_config(add_resource(req, broker_type, "1"), "log.retention.hours", "5");
    add_config(add_resource(req, broker_type, "2"), "log.retention.hours", "5");
    add_resource(req, broker_type, ""); // nothing to change
    add_resource(req, 8, "1");
    add_resource(req, 99, "x");
    add_resource(req, topic_type, "");
    auto r = call<msg::alter_configs_response>(req, 1);
    std::vector<std::pair<error_code, std::optional<std::string>>> got;
    for (auto& res : r.responses) got.emplace_back(res.error_code, res.error_message);
    using e = std::pair<error_code, std::optional<std::string>>;
    EXPECT_EQ(got, (std::vector<e>{
                       {error_code::invalid_config, "Invalid value soon for configuration retention.ms: Not a number of type LONG"},
                       {error_code::unknown_topic_or_partition, "The topic 'missing' does not exist."},
                       {error_code::invalid_request, "Each resource must appear at most once."},
                       {error_code::invalid_request, "Each resource must appear at most once."},
                       {error_code::invalid_request, "Error due to duplicate config keys"},
                       {error_code::invalid_request, "Null value not supported for : retention.ms"},
                       {error_code::invalid_request, "Cannot update these configs dynamically: Set(log.retention.hours)"},
                       {error_code::invalid_request, "Unexpected broker id, expected 1, but received 2"},
                       {error_code::none, std::nullopt},
                       {error_code::invalid_request, "Unknown resource type 8"},
                       {error_code::invalid_request, "Unknown resource type 99"},
                       {error_code::invalid_request, "Default topic resources are not allowed."},
                   }));
    EXPECT_TRUE(image()->find("t")->configs.empty());
}

TEST_F(config_handlers, incremental_alter_configs_set_delete_append_subtract) {
    create("t", 1, {{"retention.ms", "1000"}});
    msg::incremental_alter_configs_request req;
    auto& res = add_resource(req, topic_type, "t");
    add_config(res, "segment.ms", "5000", 0);              // SET
    add_config(res, "retention.ms", std::nullopt, 1);      // DELETE (a null value is fine)
    add_config(res, "cleanup.policy", "compact", 2);       // APPEND to the default "delete"
    auto r = call<msg::incremental_alter_configs_response>(req, 0);
    ASSERT_EQ(r.responses.size(), 1u);
    EXPECT_EQ(r.responses[0].error_code, error_code::none);
    EXPECT_FALSE(r.responses[0].error_message.has_value());
    EXPECT_EQ(image()->find("t")->configs,
              (storage::properties{{"cleanup.policy", "delete,compact"}, {"segment.ms", "5000"}}));

    msg::incremental_alter_configs_request subtract;
    add_config(add_resource(subtract, topic_type, "t"), "cleanup.policy", "delete", 3);
    subtract.validate_only = true;
    EXPECT_EQ(call<msg::incremental_alter_configs_response>(subtract, 1).responses[0].error_code, error_code::none);
    EXPECT_EQ(image()->find("t")->configs.at("cleanup.policy"), "delete,compact");
    subtract.validate_only = false;
    EXPECT_EQ(call<msg::incremental_alter_configs_response>(subtract, 1).responses[0].error_code, error_code::none);
    EXPECT_EQ(image()->find("t")->configs.at("cleanup.policy"), "compact");
}

TEST_F(config_handlers, incremental_alter_configs_errors_are_kafkas) {
    create("t", 1);
    msg::incremental_alter_configs_request req;
    add_config(add_resource(req, topic_type, "t"), "retention.ms", "5", 2);
    auto& lags = add_resource(req, topic_type, "t2");
    add_config(lags, "min.compaction.lag.ms", "10");
    add_config(add_resource(req, topic_type, "t3"), "segment.ms", std::nullopt, 0);
    add_config(add_resource(req, topic_type, "t4"), "segment.ms", "1", 7);
    add_config(add_resource(req, broker_type, "1"), "log.retention.hours", "5", 0);
    add_config(add_resource(req, broker_type, "1 "), "log.retention.hours", std::nullopt, 1);
    add_config(add_resource(req, broker_type, ""), "log.retention.hours", std::nullopt, 1);
    add_resource(req, 8, "1");
    add_resource(req, 32, "group");
    create("t2", 1, {{"max.compaction.lag.ms", "5"}});
    auto r = call<msg::incremental_alter_configs_response>(req, 1);
    std::vector<std::pair<error_code, std::optional<std::string>>> got;
    for (auto& res : r.responses) got.emplace_back(res.error_code, res.error_message);
    using e = std::pair<error_code, std::optional<std::string>>;
    EXPECT_EQ(got, (std::vector<e>{
                       {error_code::invalid_config, "Can't APPEND to key retention.ms because its type is not LIST."},
                       {error_code::invalid_config,
                        "conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)"},
                       {error_code::invalid_request, "Null value not supported for : segment.ms"},
                       {error_code::invalid_request, "Unknown operations type 7"},
                       {error_code::invalid_request, "Cannot update these configs dynamically: Set(log.retention.hours)"},
                       {error_code::invalid_request, "Node id must be an integer, but it is: 1 "},
                       {error_code::none, std::nullopt}, // deleting a dynamic override that cannot exist
                       {error_code::invalid_request, "Unsupported resource type: BROKER_LOGGER"},
                       {error_code::invalid_request, "Unsupported resource type: GROUP"},
                   }));
    EXPECT_TRUE(image()->find("t")->configs.empty());
}

} // namespace
} // namespace sluice::server::testing
