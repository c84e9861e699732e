#include "cluster/controller.h"

#include <algorithm>
#include <map>
#include <memory>

#include "base/log.h"

namespace sluice::cluster {

namespace msg = protocol::msg;
using protocol::error_code;

namespace {

admin_error err(error_code code, std::string message) { return admin_error{code, std::move(message)}; }

// Kafka folds '.' into '_' when it checks for colliding names (metrics names use '_').
std::string unify_collision_chars(std::string_view name) {
    std::string out(name);
    std::replace(out.begin(), out.end(), '.', '_');
    return out;
}

std::vector<std::string> split_list(std::string_view value) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= value.size()) {
        size_t comma = value.find(',', start);
        if (comma == std::string_view::npos) comma = value.size();
        std::string_view item = value.substr(start, comma - start);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        start = comma + 1;
    }
    return out;
}

std::string join_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ',';
        out += item;
    }
    return out;
}

// Kafka's ReplicationControlManager.validateManualPartitionAssignment, for a cluster whose
// only registered broker is `node`. `replication_factor` is the previous partitions' (0: none).
std::optional<admin_error> check_manual_assignment(const std::vector<int32_t>& replicas, size_t replication_factor,
                                                   int32_t node) {
    if (replicas.empty())
        return err(error_code::invalid_replica_assignment, "The manual partition assignment includes an empty replica list.");
    std::vector<int32_t> sorted = replicas;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i) {
        if (sorted[i] != node)
            return err(error_code::invalid_replica_assignment, "The manual partition assignment includes broker " +
                                                                    std::to_string(sorted[i]) +
                                                                    ", but no such broker is registered.");
        if (i > 0 && sorted[i] == sorted[i - 1])
            return err(error_code::invalid_replica_assignment, "The manual partition assignment includes the broker " +
                                                                    std::to_string(sorted[i]) + " more than once.");
    }
    if (replication_factor != 0 && sorted.size() != replication_factor)
        return err(error_code::invalid_replica_assignment,
                   "The manual partition assignment includes a partition with " + std::to_string(sorted.size()) +
                       " replica(s), but this is not consistent with previous partitions, which have " +
                       std::to_string(replication_factor) + " replica(s).");
    return std::nullopt;
}

msg::partition_record partition_record_for(const uuid& topic, int32_t index, const std::vector<int32_t>& replicas) {
    msg::partition_record r;
    r.partition_id = model::partition_id{index};
    r.topic_id = topic;
    for (int32_t n : replicas) {
        r.replicas.emplace_back(n);
        r.isr.emplace_back(n);
    }
    r.leader = model::node_id{replicas.front()};
    r.leader_epoch = model::leader_epoch{0};
    r.partition_epoch = 0;
    return r;
}

msg::config_record config_record_for(const std::string& topic, const std::string& key, std::optional<std::string> value) {
    msg::config_record c;
    c.resource_type = config_resource_topic;
    c.resource_name = topic;
    c.name = key;
    c.value = std::move(value);
    return c;
}

admin_error too_many_partitions(int64_t requested, int64_t existing, int64_t max_partitions) {
    return err(error_code::invalid_partitions,
               "Creating " + std::to_string(requested) + " partition(s) would exceed max.partitions=" +
                   std::to_string(max_partitions) + " (the cluster has " + std::to_string(existing) + ").");
}

} // namespace

controller::controller(metadata_store& store, metadata_log& log, controller_config config)
    : _store(store), _log(log), _config(std::move(config)) {}

std::optional<std::string> controller::validate_topic_name(std::string_view name) {
    if (name.empty()) return "Topic name is illegal, it can't be empty";
    if (name == "." || name == "..") return "Topic name cannot be \".\" or \"..\"";
    if (name.size() > 249)
        return "Topic name is illegal, it can't be longer than 249 characters, topic name: " + std::string(name);
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (!ok)
            return "Topic name \"" + std::string(name) +
                   "\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'";
    }
    return std::nullopt;
}

void controller::commit(std::vector<metadata_record> records, std::function<void(std::error_code)> finish) {
    if (records.empty()) return finish({});
    _log.propose(encode_entry(records), [finish = std::move(finish)](std::error_code ec, uint64_t) { finish(ec); });
}

void controller::create_topics(std::vector<new_topic> topics, bool validate_only, done_fn<create_topic_result> done) {
    _log.post([this, topics = std::move(topics), validate_only, done = std::move(done)]() mutable {
        image_ptr image = _store.current();
        std::vector<create_topic_result> results(topics.size());
        std::vector<metadata_record> records;
        std::vector<std::string> names; // reserved in _creating until applied
        int64_t partitions = static_cast<int64_t>(image->partition_count()) + _pending_partitions;
        int64_t added = 0;
        std::map<std::string, std::string, std::less<>> collision_keys; // unified name -> a name holding it
        for (const auto& [name, topic] : image->topics()) collision_keys.emplace(unify_collision_chars(name), name);
        for (const auto& name : _creating) collision_keys.emplace(unify_collision_chars(name), name);

        for (size_t i = 0; i < topics.size(); ++i) {
            new_topic& t = topics[i];
            create_topic_result& r = results[i];
            r.name = t.name;
            if (auto bad = validate_topic_name(t.name)) {
                r.error = err(error_code::invalid_topic_exception, *bad);
                continue;
            }
            if (t.name == cluster_metadata_topic) { // every path here: CreateTopics and auto-creation
                r.error = err(error_code::invalid_request, "Creation of internal topic __cluster_metadata is prohibited.");
                continue;
            }
            if (image->find(t.name) != nullptr || _creating.contains(t.name) ||
                std::find(names.begin(), names.end(), t.name) != names.end()) {
                r.error = err(error_code::topic_already_exists, "Topic '" + t.name + "' already exists.");
                continue;
            }
            if (auto c = collision_keys.find(unify_collision_chars(t.name)); c != collision_keys.end()) {
                r.error = err(error_code::invalid_topic_exception,
                              "Topic '" + t.name + "' collides with existing topic: " + c->second);
                continue;
            }
            std::vector<std::vector<int32_t>> assignment;
            if (!t.assignments.empty()) {
                // KIP-464: an assignment comes with -1 for both counts (Kafka 4.0's wording).
                if (t.replication_factor != -1) {
                    r.error = err(error_code::invalid_request, "A manual partition assignment was specified, but "
                                                               "replication factor was not set to -1.");
                    continue;
                }
                if (t.num_partitions != -1) {
                    r.error = err(error_code::invalid_request, "A manual partition assignment was specified, but "
                                                               "numPartitions was not set to -1.");
                    continue;
                }
                std::optional<admin_error> bad;
                for (size_t p = 0; p < t.assignments.size() && !bad; ++p)
                    bad = check_manual_assignment(t.assignments[p], p == 0 ? 0 : t.assignments[p - 1].size(), _config.node_id);
                if (bad) {
                    r.error = std::move(*bad);
                    continue;
                }
                assignment = t.assignments;
            } else {
                const int32_t count = t.num_partitions == -1 ? _config.default_partitions : t.num_partitions;
                const int16_t rf = t.replication_factor == -1 ? _config.default_replication_factor : t.replication_factor;
                if (rf <= 0) { // checked before the partition count, as Kafka does
                    r.error = err(error_code::invalid_replication_factor,
                                  "Replication factor must be larger than 0, or -1 to use the default value.");
                    continue;
                }
                if (count <= 0) {
                    r.error = err(error_code::invalid_partitions,
                                  "Number of partitions was set to an invalid non-positive value.");
                    continue;
                }
                if (rf > 1) {
                    r.error = err(error_code::invalid_replication_factor,
                                  "Unable to replicate the partition " + std::to_string(rf) +
                                      " time(s): The target replication factor of " + std::to_string(rf) +
                                      " cannot be reached because only 1 broker(s) are registered.");
                    continue;
                }
                // The limit before the allocation: a request may ask for 2^31 - 1 partitions.
                if (partitions + added + count > _config.max_partitions) {
                    r.error = too_many_partitions(count, partitions + added, _config.max_partitions);
                    continue;
                }
                assignment.assign(static_cast<size_t>(count), std::vector<int32_t>{_config.node_id});
            }
            if (partitions + added + static_cast<int64_t>(assignment.size()) > _config.max_partitions) {
                r.error = too_many_partitions(static_cast<int64_t>(assignment.size()), partitions + added,
                                              _config.max_partitions);
                continue;
            }
            storage::properties configs;
            bool bad_config = false;
            for (auto& [key, value] : t.configs) {
                if (!value) {
                    r.error = err(error_code::invalid_config, "Null value not supported for topic configs: " + key);
                    bad_config = true;
                    break;
                }
                if (_config.validate_config) {
                    if (auto bad = _config.validate_config(key, *value)) {
                        r.error = err(error_code::invalid_config, *bad);
                        bad_config = true;
                        break;
                    }
                }
                configs[key] = *value;
            }
            if (bad_config) continue;
            if (_config.validate_configs) {
                if (auto bad = _config.validate_configs(configs)) {
                    r.error = err(error_code::invalid_config, *bad);
                    continue;
                }
            }

            r.num_partitions = static_cast<int32_t>(assignment.size());
            r.replication_factor = static_cast<int16_t>(assignment.front().size());
            r.configs = configs;
            if (validate_only) continue;
            r.topic_id = uuid::random();
            added += r.num_partitions;
            names.push_back(t.name);
            collision_keys.emplace(unify_collision_chars(t.name), t.name);
            msg::topic_record tr;
            tr.name = t.name;
            tr.topic_id = r.topic_id;
            records.emplace_back(std::move(tr));
            for (const auto& [key, value] : configs) records.emplace_back(config_record_for(t.name, key, value));
            for (size_t p = 0; p < assignment.size(); ++p)
                records.emplace_back(partition_record_for(r.topic_id, static_cast<int32_t>(p), assignment[p]));
        }
        for (const auto& n : names) _creating.insert(n);
        _pending_partitions += added;
        commit(std::move(records), [this, names, added, results = std::move(results), done = std::move(done)](
                                       std::error_code ec) mutable {
            for (const auto& n : names) _creating.erase(n);
            _pending_partitions -= added;
            if (ec) {
                log::warn("create topics: metadata entry not committed: {}", ec.message());
                for (auto& r : results)
                    if (r.error.ok()) r.error = err(error_code::not_controller, "The metadata quorum did not commit: " + ec.message());
            }
            done(std::move(results));
        });
    });
}

void controller::delete_topics(std::vector<topic_ref> topics, done_fn<delete_topic_result> done) {
    _log.post([this, topics = std::move(topics), done = std::move(done)]() mutable {
        image_ptr image = _store.current();
        std::vector<delete_topic_result> results(topics.size());
        std::vector<metadata_record> records;
        std::vector<uuid> ids;
        for (size_t i = 0; i < topics.size(); ++i) {
            delete_topic_result& r = results[i];
            r.name = topics[i].name;
            r.id = topics[i].id;
            const topic_image* t = topics[i].name ? image->find(*topics[i].name) : image->find(topics[i].id);
            if (t == nullptr || _deleting.contains(t->id) || std::find(ids.begin(), ids.end(), t->id) != ids.end()) {
                r.error = topics[i].name ? err(error_code::unknown_topic_or_partition,
                                               "This server does not host this topic-partition.")
                                         : err(error_code::unknown_topic_id, "This server does not host this topic ID.");
                continue;
            }
            r.name = t->name;
            r.id = t->id;
            if (t->name == cluster_metadata_topic) { // only in a directory from before creation was refused
                r.error = err(error_code::invalid_request, "Deletion of internal topic __cluster_metadata is prohibited.");
                continue;
            }
            if (!_config.delete_topic_enable) {
                r.error = err(error_code::topic_deletion_disabled, "Topic deletion is disabled (delete.topic.enable=false).");
                continue;
            }
            ids.push_back(t->id);
            msg::remove_topic_record rm;
            rm.topic_id = t->id;
            records.emplace_back(std::move(rm));
        }
        for (const auto& id : ids) _deleting.insert(id);
        commit(std::move(records), [this, ids, results = std::move(results), done = std::move(done)](std::error_code ec) mutable {
            for (const auto& id : ids) _deleting.erase(id);
            if (ec)
                for (auto& r : results)
                    if (r.error.ok()) r.error = err(error_code::not_controller, "The metadata quorum did not commit: " + ec.message());
            done(std::move(results));
        });
    });
}

void controller::create_partitions(std::vector<new_partitions> requests, bool validate_only, done_fn<admin_error> done) {
    _log.post([this, requests = std::move(requests), validate_only, done = std::move(done)]() mutable {
        image_ptr image = _store.current();
        std::vector<admin_error> results(requests.size());
        std::vector<metadata_record> records;
        std::vector<std::string> names;
        int64_t partitions = static_cast<int64_t>(image->partition_count()) + _pending_partitions;
        int64_t added = 0;
        for (size_t i = 0; i < requests.size(); ++i) {
            const new_partitions& req = requests[i];
            const topic_image* t = image->find(req.topic);
            if (t == nullptr || _deleting.contains(t->id)) {
                results[i] = admin_error{error_code::unknown_topic_or_partition, std::nullopt}; // Kafka sends no message
                continue;
            }
            if (_altering.contains(req.topic) || std::find(names.begin(), names.end(), req.topic) != names.end()) {
                results[i] = err(error_code::reassignment_in_progress, "A partition change of this topic is in progress.");
                continue;
            }
            const auto current = static_cast<int32_t>(t->partitions.size());
            // Kafka 4.0's ReplicationControlManager.createPartitions wording.
            if (req.count == current) {
                results[i] = err(error_code::invalid_partitions, "Topic already has " + std::to_string(current) + " partition(s).");
                continue;
            }
            if (req.count < current) {
                results[i] = err(error_code::invalid_partitions, "The topic " + req.topic + " currently has " +
                                                                    std::to_string(current) + " partition(s); " +
                                                                    std::to_string(req.count) + " would not be an increase.");
                continue;
            }
            const int32_t extra = req.count - current;
            if (!req.assignments.empty()) {
                if (static_cast<int32_t>(req.assignments.size()) != extra) {
                    results[i] = err(error_code::invalid_replica_assignment,
                                     "Attempted to add " + std::to_string(extra) + " additional partition(s), but only " +
                                         std::to_string(req.assignments.size()) + " assignment(s) were specified.");
                    continue;
                }
                std::optional<admin_error> bad;
                const size_t replication_factor = t->partitions.empty() ? 0 : t->partitions.front().replicas.size();
                for (const auto& replicas : req.assignments)
                    if (!bad) bad = check_manual_assignment(replicas, replication_factor, _config.node_id);
                if (bad) {
                    results[i] = std::move(*bad);
                    continue;
                }
            }
            if (partitions + added + extra > _config.max_partitions) {
                results[i] = err(error_code::invalid_partitions,
                                 "Adding " + std::to_string(extra) + " partition(s) would exceed max.partitions=" +
                                     std::to_string(_config.max_partitions) + ".");
                continue;
            }
            if (validate_only) continue;
            added += extra;
            names.push_back(req.topic);
            for (int32_t p = current; p < req.count; ++p)
                records.emplace_back(partition_record_for(t->id, p, std::vector<int32_t>{_config.node_id}));
        }
        for (const auto& n : names) _altering.insert(n);
        _pending_partitions += added;
        commit(std::move(records), [this, names, added, results = std::move(results), done = std::move(done)](
                                       std::error_code ec) mutable {
            for (const auto& n : names) _altering.erase(n);
            _pending_partitions -= added;
            if (ec)
                for (auto& r : results)
                    if (r.ok()) r = err(error_code::not_controller, "The metadata quorum did not commit: " + ec.message());
            done(std::move(results));
        });
    });
}

void controller::alter_configs(std::vector<alter_topic_configs> requests, bool validate_only, done_fn<admin_error> done) {
    _log.post([this, requests = std::move(requests), validate_only, done = std::move(done)]() mutable {
        image_ptr image = _store.current();
        std::vector<admin_error> results(requests.size());
        std::vector<metadata_record> records;
        for (size_t i = 0; i < requests.size(); ++i) {
            const alter_topic_configs& req = requests[i];
            const topic_image* t = image->find(req.topic);
            if (t == nullptr || _deleting.contains(t->id)) {
                results[i] = err(error_code::unknown_topic_or_partition, "The topic '" + req.topic + "' does not exist.");
                continue;
            }
            storage::properties next = req.replace_all ? storage::properties{} : t->configs;
            admin_error& e = results[i];
            for (const config_change& c : req.changes) {
                const bool list = _config.is_list_config && _config.is_list_config(c.key);
                switch (c.op) {
                case config_op::set:
                    if (!c.value) {
                        e = err(error_code::invalid_request, "Null value not supported for : " + c.key);
                        break;
                    }
                    next[c.key] = *c.value;
                    break;
                case config_op::remove:
                    next.erase(c.key);
                    break;
                case config_op::append:
                case config_op::subtract: {
                    if (!list) {
                        // Kafka 4.0's ConfigurationControlManager wording.
                        e = err(error_code::invalid_config, std::string("Can't ") +
                                                                 (c.op == config_op::append ? "APPEND" : "SUBTRACT") +
                                                                 " to key " + c.key + " because its type is not LIST.");
                        break;
                    }
                    auto it = next.find(c.key);
                    std::string base = it != next.end() ? it->second
                                       : _config.default_value ? _config.default_value(c.key)
                                                               : std::string();
                    std::vector<std::string> items = split_list(base);
                    for (const std::string& v : split_list(c.value.value_or(""))) {
                        auto found = std::find(items.begin(), items.end(), v);
                        if (c.op == config_op::append && found == items.end()) items.push_back(v);
                        if (c.op == config_op::subtract && found != items.end()) items.erase(found);
                    }
                    next[c.key] = join_list(items);
                    break;
                }
                }
                if (!e.ok()) break;
            }
            if (!e.ok()) continue;
            if (_config.validate_config) {
                for (const auto& [key, value] : next) {
                    // Only what changes is validated: an override accepted earlier stays.
                    auto old = t->configs.find(key);
                    if (old != t->configs.end() && old->second == value) continue;
                    if (auto bad = _config.validate_config(key, value)) {
                        e = err(error_code::invalid_config, *bad);
                        break;
                    }
                }
            }
            if (e.ok() && _config.validate_configs) {
                if (auto bad = _config.validate_configs(next)) e = err(error_code::invalid_config, *bad);
            }
            if (!e.ok() || validate_only) continue;
            for (const auto& [key, value] : t->configs)
                if (!next.contains(key)) records.emplace_back(config_record_for(t->name, key, std::nullopt));
            for (const auto& [key, value] : next) {
                auto old = t->configs.find(key);
                if (old == t->configs.end() || old->second != value) records.emplace_back(config_record_for(t->name, key, value));
            }
        }
        commit(std::move(records), [results = std::move(results), done = std::move(done)](std::error_code ec) mutable {
            if (ec)
                for (auto& r : results)
                    if (r.ok()) r = err(error_code::not_controller, "The metadata quorum did not commit: " + ec.message());
            done(std::move(results));
        });
    });
}

void controller::allocate_producer_ids(int32_t count, std::function<void(std::error_code, int64_t)> done) {
    _log.post([this, count, done = std::move(done)]() mutable {
        const int64_t first = std::max(_store.current()->next_producer_id(), _pending_producer_ids);
        _pending_producer_ids = first + count;
        msg::producer_ids_record r;
        r.broker_id = model::node_id{_config.node_id};
        r.next_producer_id = model::producer_id{first + count};
        commit({metadata_record{std::move(r)}}, [first, done = std::move(done)](std::error_code ec) { done(ec, first); });
    });
}

} // namespace sluice::cluster
