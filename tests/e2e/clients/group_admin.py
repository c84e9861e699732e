#!/usr/bin/python3
"""Consumer-group administration from both Python clients, printed one fact per line.

  group_admin.py <bootstrap> describe <group>
    confluent-kafka AdminClient.list_groups() (librdkafka: ListGroups, then DescribeGroups):
      list <group> <state> <protocol_type> <protocol> members <n>      every group listed
                                               (an empty protocol or type prints as -)
      member <client_id> <client_host> <topic>:<p>,<p>...              each member of <group>,
                                                                       its assignment decoded
    kafka-python KafkaAdminClient:
      kp-list <group> <protocol_type>          list_consumer_groups(), every group
      kp-describe <group> <state> <protocol_type> <protocol> members <n>   describe_consumer_groups([group])
                                               ("kp-describe <group> error <error>" when it raises)
      kp-member <client_id> <topic>:<p>,<p>...  its members
      kp-offset <topic> <partition> <offset>   list_consumer_group_offsets(group)
  group_admin.py <bootstrap> delete <group>
      kp-delete <group> <error>                delete_consumer_groups([group]): NO_ERROR,
                                               NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, ...
(confluent-kafka 1.7 has no describe/delete of consumer groups: kafka-python does those.)
Lines are sorted within each section. Exit code 0 when every call answered.
"""
import struct
import sys

from confluent_kafka.admin import AdminClient
from kafka import KafkaAdminClient
from kafka.errors import KafkaError


def decode_assignment(data):
    """ConsumerProtocol Assignment: version int16, [topic string, [partition int32]], user data."""
    if not data:
        return ""
    at = 2
    (topics,) = struct.unpack_from(">i", data, at)
    at += 4
    out = []
    for _ in range(topics):
        (length,) = struct.unpack_from(">h", data, at)
        at += 2
        topic = data[at:at + length].decode()
        at += length
        (count,) = struct.unpack_from(">i", data, at)
        at += 4
        partitions = struct.unpack_from(f">{count}i", data, at)
        at += 4 * count
        out.append(f"{topic}:" + ",".join(str(p) for p in sorted(partitions)))
    return " ".join(sorted(out))


def describe(bootstrap, group):
    lines = []
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for g in admin.list_groups(timeout=20):
        if g.error is not None and g.error.code() != 0:
            print(f"list_groups {g.id}: {g.error}", file=sys.stderr)
            return 1
        lines.append(f"list {g.id} {g.state} {g.protocol_type or '-'} {g.protocol or '-'} members {len(g.members)}")
    print("\n".join(sorted(lines)))
    members = []
    for g in admin.list_groups(group, timeout=20):
        if g.id == group:
            members += [f"member {mb.client_id} {mb.client_host} {decode_assignment(mb.assignment)}" for mb in g.members]
    if members:
        print("\n".join(sorted(members)))

    kp = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="e2e-admin")
    lines = [f"kp-list {g} {t}" for g, t in kp.list_consumer_groups()]
    if lines:
        print("\n".join(sorted(lines)))
    try:
        described = kp.describe_consumer_groups([group])
    except KafkaError as e:  # kafka-python raises the group's error (a gone group: Dead, or GROUP_ID_NOT_FOUND)
        print(f"kp-describe {group} error {getattr(e, 'message', type(e).__name__)}")
        described = []
    for d in described:
        print(f"kp-describe {d.group} {d.state} {d.protocol_type or '-'} {d.protocol or '-'} members {len(d.members)}")
        lines = []
        for mb in d.members:
            a = mb.member_assignment
            parts = " ".join(sorted(f"{t}:" + ",".join(str(p) for p in sorted(ps)) for t, ps in a.assignment)) if a else ""
            lines.append(f"kp-member {mb.client_id} {parts}")
        if lines:
            print("\n".join(sorted(lines)))
    offsets = kp.list_consumer_group_offsets(group)
    lines = [f"kp-offset {tp.topic} {tp.partition} {o.offset}" for tp, o in offsets.items()]
    if lines:
        print("\n".join(sorted(lines, key=lambda l: (l.split()[1], int(l.split()[2])))))
    kp.close()
    return 0


def delete(bootstrap, group):
    kp = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="e2e-admin")
    for g, error in kp.delete_consumer_groups([group]):
        print(f"kp-delete {g} {error.message}")
    kp.close()
    return 0


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in ("describe", "delete"):
        print(__doc__, file=sys.stderr)
        return 2
    bootstrap, command, group = sys.argv[1:]
    return describe(bootstrap, group) if command == "describe" else delete(bootstrap, group)


if __name__ == "__main__":
    sys.exit(main())
