#!/usr/bin/python3
"""Creates a topic with confluent-kafka's AdminClient (CreateTopics) and waits until Metadata
lists it with all its partitions led. Extra arguments are topic configs, key=value.
Prints "created <topic> <partitions>"."""
import sys
import time

from confluent_kafka.admin import AdminClient, NewTopic


def main():
    bootstrap, topic, partitions = sys.argv[1], sys.argv[2], int(sys.argv[3])
    configs = dict(arg.split("=", 1) for arg in sys.argv[4:])
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(topic, partitions, 1, config=configs)], operation_timeout=20)
    futures[topic].result(timeout=30)  # raises on an error
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        t = admin.list_topics(topic, timeout=10).topics.get(topic)
        if t and t.error is None and len(t.partitions) == partitions and all(
                p.leader >= 0 for p in t.partitions.values()):
            print(f"created {topic} {partitions}")
            return 0
        time.sleep(0.05)
    print(f"{topic} not in Metadata with {partitions} led partitions after 20 s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
