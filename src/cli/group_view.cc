#include "cli/group_view.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "cli/table.h"

namespace sluice::cli {

namespace {

const char* type_name(bool simple) { return simple ? "simple" : "consumer"; }

std::string or_dash(const std::optional<int64_t>& value) { return value ? std::to_string(*value) : "-"; }
std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

void sort_by_group(std::vector<group_listing>& groups) {
    std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.group < b.group; });
}

void optional_number(json_writer& out, const std::optional<int64_t>& value) {
    if (value) {
        out.value(*value);
    } else {
        out.null();
    }
}

void member_json(json_writer& out, const group_member& m) {
    out.begin_object().key("consumer_id").value(m.consumer_id).key("group_instance_id");
    if (m.group_instance_id) {
        out.value(*m.group_instance_id);
    } else {
        out.null();
    }
    out.key("client_id").value(m.client_id).key("host").value(m.host).key("assignment").begin_array();
    for (const auto& tp : m.assignment)
        out.begin_object().key("topic").value(tp.topic).key("partition").value(int64_t{tp.partition}).end_object();
    out.end_array().end_object();
}

void group_json(json_writer& out, const group_description& g) {
    out.begin_object().key("group").value(g.group).key("state").value(g.state);
    out.key("type").value(type_name(g.simple)).key("coordinator");
    if (g.coordinator) {
        out.begin_object().key("id").value(int64_t{g.coordinator->id}).key("host").value(g.coordinator->host);
        out.key("port").value(int64_t{g.coordinator->port}).end_object();
    } else {
        out.null();
    }
    out.key("assignor").value(g.assignor).key("members").begin_array();
    for (const auto& m : g.members) member_json(out, m);
    out.end_array().key("offsets").begin_array();
    for (const auto& row : group_offset_rows(g)) {
        if (!row.partition) continue; // members without partitions are in "members"
        out.begin_object().key("topic").value(row.partition->topic);
        out.key("partition").value(int64_t{row.partition->partition}).key("current_offset");
        optional_number(out, row.current_offset);
        out.key("log_end_offset");
        optional_number(out, row.log_end_offset);
        out.key("lag");
        optional_number(out, row.lag);
        out.key("consumer_id");
        if (row.member) {
            out.value(row.member->consumer_id);
        } else {
            out.null();
        }
        out.end_object();
    }
    out.end_array().end_object();
}

} // namespace

std::string group_list_table(std::vector<group_listing> groups) {
    sort_by_group(groups);
    table listing({"GROUP", "STATE", "TYPE"});
    for (const auto& g : groups) listing.add_row({g.group, g.state, type_name(g.simple)});
    return listing.render();
}

std::string group_list_json(std::vector<group_listing> groups) {
    sort_by_group(groups);
    json_writer out;
    out.begin_array();
    for (const auto& g : groups)
        out.begin_object().key("group").value(g.group).key("state").value(g.state).key("type").value(type_name(g.simple)).end_object();
    out.end_array();
    return out.text() + "\n";
}

std::vector<group_offset_row> group_offset_rows(const group_description& g) {
    std::map<topic_partition, const group_member*> owner;
    for (const auto& m : g.members) {
        for (const auto& tp : m.assignment) owner[tp] = &m;
    }
    std::set<topic_partition> partitions;
    for (const auto& [tp, offset] : g.committed) partitions.insert(tp);
    for (const auto& [tp, member] : owner) partitions.insert(tp);

    std::vector<group_offset_row> rows;
    for (const auto& tp : partitions) {
        group_offset_row row;
        row.partition = tp;
        if (auto c = g.committed.find(tp); c != g.committed.end()) row.current_offset = c->second;
        if (auto e = g.log_end.find(tp); e != g.log_end.end() && e->second >= 0) row.log_end_offset = e->second;
        // Negative when the committed offset is past the log end (as Kafka's tool shows it).
        if (row.current_offset && row.log_end_offset) row.lag = *row.log_end_offset - *row.current_offset;
        if (auto o = owner.find(tp); o != owner.end()) row.member = o->second;
        rows.push_back(row);
    }
    for (const auto& m : g.members) {
        if (!m.assignment.empty()) continue;
        group_offset_row row;
        row.member = &m;
        rows.push_back(row);
    }
    return rows;
}

std::string group_offsets_table(const group_description& g) {
    std::string out = fmt::format("Group: {}  State: {}  Members: {}  Coordinator: {}  Assignor: {}\n", g.group, g.state,
                                  g.members.size(), g.coordinator ? std::to_string(g.coordinator->id) : "-",
                                  or_dash(g.assignor));
    table rows({"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST",
                "CLIENT-ID"});
    for (const auto& row : group_offset_rows(g)) {
        rows.add_row({g.group, row.partition ? row.partition->topic : "-",
                      row.partition ? std::to_string(row.partition->partition) : "-", or_dash(row.current_offset),
                      or_dash(row.log_end_offset), or_dash(row.lag), row.member ? or_dash(row.member->consumer_id) : "-",
                      row.member ? or_dash(row.member->host) : "-", row.member ? or_dash(row.member->client_id) : "-"});
    }
    return out + rows.render();
}

std::string group_members_table(const std::vector<group_description>& groups) {
    table rows({"GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS"});
    for (const auto& g : groups) {
        for (const auto& m : g.members)
            rows.add_row({g.group, or_dash(m.consumer_id), or_dash(m.host), or_dash(m.client_id),
                          std::to_string(m.assignment.size())});
    }
    return rows.render();
}

std::string group_state_table(const std::vector<group_description>& groups) {
    table rows({"GROUP", "COORDINATOR", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"});
    for (const auto& g : groups) {
        const std::string coordinator =
            g.coordinator ? fmt::format("{}:{} ({})", g.coordinator->host, g.coordinator->port, g.coordinator->id) : "-";
        rows.add_row({g.group, coordinator, or_dash(g.assignor), g.state, std::to_string(g.members.size())});
    }
    return rows.render();
}

std::string group_describe_json(const std::vector<group_description>& groups) {
    json_writer out;
    out.begin_array();
    for (const auto& g : groups) group_json(out, g);
    out.end_array();
    return out.text() + "\n";
}

} // namespace sluice::cli
