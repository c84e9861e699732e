#include "cli/group_view.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

group_description active_group() {
    group_description g;
    g.group = "workers";
    g.state = "Stable";
    g.coordinator = group_coordinator{1, "127.0.0.1", 9092};
    g.assignor = "range";
    g.members = {{"m-1", std::nullopt, "c1", "/10.0.0.1", {{"t", 0}, {"t", 1}}},
                 {"m-2", std::string("static-2"), "c2", "/10.0.0.2", {}}};
    g.committed = {{{"t", 0}, 3}, {{"old", 0}, 7}};
    g.log_end = {{{"t", 0}, 5}, {{"t", 1}, 4}, {{"old", 0}, 6}};
    return g;
}

TEST(group_view, list_table_and_json_sorted_by_group) {
    const std::vector<group_listing> groups = {{"b", "Empty", true}, {"a", "Stable", false}};
    EXPECT_EQ(group_list_table(groups),
              "GROUP  STATE   TYPE\n"
              "a      Stable  consumer\n"
              "b      Empty   simple\n");
    EXPECT_EQ(group_list_json(groups), R"([{"group":"a","state":"Stable","type":"consumer"},)"
                                       R"({"group":"b","state":"Empty","type":"simple"}])"
                                       "\n");
    EXPECT_EQ(group_list_table({}), "GROUP  STATE  TYPE\n");
    EXPECT_EQ(group_list_json({}), "[]\n");
}

TEST(group_view, offset_rows_join_committed_and_assigned_partitions) {
    const auto g = active_group();
    const auto rows = group_offset_rows(g);
    ASSERT_EQ(rows.size(), 4u);
    // old-0: committed, not assigned; the committed offset is past the log end (negative lag).
    EXPECT_EQ(rows[0].partition, (topic_partition{"old", 0}));
    EXPECT_EQ(rows[0].current_offset, 7);
    EXPECT_EQ(rows[0].lag, -1);
    EXPECT_EQ(rows[0].member, nullptr);
    EXPECT_EQ(rows[1].partition, (topic_partition{"t", 0}));
    EXPECT_EQ(rows[1].lag, 2);
    EXPECT_EQ(rows[1].member, &g.members[0]);
    // t-1: assigned, nothing committed yet.
    EXPECT_EQ(rows[2].partition, (topic_partition{"t", 1}));
    EXPECT_EQ(rows[2].current_offset, std::nullopt);
    EXPECT_EQ(rows[2].log_end_offset, 4);
    EXPECT_EQ(rows[2].lag, std::nullopt);
    // The member without partitions comes last.
    EXPECT_EQ(rows[3].partition, std::nullopt);
    EXPECT_EQ(rows[3].member, &g.members[1]);
}

TEST(group_view, offsets_table_as_kafka_consumer_groups_describe) {
    EXPECT_EQ(group_offsets_table(active_group()),
              "Group: workers  State: Stable  Members: 2  Coordinator: 1  Assignor: range\n"
              "GROUP    TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST       CLIENT-ID\n"
              "workers  old    0          7               6               -1   -            -          -\n"
              "workers  t      0          3               5               2    m-1          /10.0.0.1  c1\n"
              "workers  t      1          -               4               -    m-1          /10.0.0.1  c1\n"
              "workers  -      -          -               -               -    m-2          /10.0.0.2  c2\n");
}

TEST(group_view, an_inactive_group) {
    group_description g;
    g.group = "idle";
    g.state = "Empty";
    g.committed = {{{"t", 0}, 4}};
    g.log_end = {{{"t", 0}, 4}};
    EXPECT_EQ(group_offsets_table(g),
              "Group: idle  State: Empty  Members: 0  Coordinator: -  Assignor: -\n"
              "GROUP  TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST  CLIENT-ID\n"
              "idle   t      0          4               4               0    -            -     -\n");
}

TEST(group_view, members_and_state_tables) {
    const std::vector<group_description> groups = {active_group()};
    EXPECT_EQ(group_members_table(groups),
              "GROUP    CONSUMER-ID  HOST       CLIENT-ID  #PARTITIONS\n"
              "workers  m-1          /10.0.0.1  c1         2\n"
              "workers  m-2          /10.0.0.2  c2         0\n");
    EXPECT_EQ(group_state_table(groups),
              "GROUP    COORDINATOR         ASSIGNMENT-STRATEGY  STATE   #MEMBERS\n"
              "workers  127.0.0.1:9092 (1)  range                Stable  2\n");
}

TEST(group_view, describe_json_has_everything) {
    EXPECT_EQ(group_describe_json({active_group()}),
              R"([{"group":"workers","state":"Stable","type":"consumer",)"
              R"("coordinator":{"id":1,"host":"127.0.0.1","port":9092},"assignor":"range","members":[)"
              R"({"consumer_id":"m-1","group_instance_id":null,"client_id":"c1","host":"/10.0.0.1",)"
              R"("assignment":[{"topic":"t","partition":0},{"topic":"t","partition":1}]},)"
              R"({"consumer_id":"m-2","group_instance_id":"static-2","client_id":"c2","host":"/10.0.0.2","assignment":[]}],)"
              R"("offsets":[)"
              R"({"topic":"old","partition":0,"current_offset":7,"log_end_offset":6,"lag":-1,"consumer_id":null},)"
              R"({"topic":"t","partition":0,"current_offset":3,"log_end_offset":5,"lag":2,"consumer_id":"m-1"},)"
              R"({"topic":"t","partition":1,"current_offset":null,"log_end_offset":4,"lag":null,"consumer_id":"m-1"}]}])"
              "\n");
    EXPECT_EQ(group_describe_json({}), "[]\n");
}

} // namespace
} // namespace sluice::cli
