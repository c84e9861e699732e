#!/usr/bin/python3
"""Consumes `count` messages of a topic in a consumer group with confluent-kafka, prints each
as a JSON line, commits synchronously and closes (leaving the group).

Spec (JSON on stdin): {"bootstrap": "host:port", "topic": str, "group": str, "count": int,
                       "config": {librdkafka properties}}
Output line (compact, UTF-8): {"partition": int, "offset": int, "key": str|null, "value": str|null,
              "headers": [[str, str|null], ...]}
"""
import json
import sys
import time

from confluent_kafka import Consumer


def decode(data):
    return None if data is None else data.decode("utf-8")


def main():
    spec = json.load(sys.stdin)
    config = {"bootstrap.servers": spec["bootstrap"], "group.id": spec["group"],
              "auto.offset.reset": "earliest", "enable.auto.commit": False}
    config.update(spec.get("config", {}))
    consumer = Consumer(config)
    consumer.subscribe([spec["topic"]])
    deadline = time.monotonic() + 8
    consumed = 0
    while consumed < spec["count"] and time.monotonic() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            print(f"consume error: {msg.error()}", file=sys.stderr)
            return 1
        headers = [[k, decode(v)] for k, v in (msg.headers() or [])]
        line = json.dumps({"partition": msg.partition(), "offset": msg.offset(),
                           "key": decode(msg.key()), "value": decode(msg.value()),
                           "headers": headers}, ensure_ascii=False, separators=(",", ":"))
        sys.stdout.buffer.write(line.encode("utf-8") + b"\n")
        sys.stdout.buffer.flush()
        consumed += 1
    if consumed < spec["count"]:
        print(f"consumed {consumed} of {spec['count']} before the deadline", file=sys.stderr)
        return 1
    consumer.commit(asynchronous=False)  # the position: last consumed offset + 1
    consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
