#!/usr/bin/python3
"""Produces the messages of a JSON spec on stdin with confluent-kafka (librdkafka).

Spec: {"bootstrap": "host:port", "topic": str, "config": {librdkafka properties},
       "flush_every": int (optional: flush after every n messages, so they go in several
                      Produce requests),
       "messages": [{"key": str|null, "value": str|null, "headers": [[str, str|null], ...]}]}
Exits 0 once every message is acknowledged, 1 on any delivery error or timeout.
"""
import json
import sys

from confluent_kafka import Producer


def encode(text):
    return None if text is None else text.encode("utf-8")


def main():
    spec = json.load(sys.stdin)
    config = {"bootstrap.servers": spec["bootstrap"], "message.timeout.ms": 8000}
    config.update(spec.get("config", {}))
    producer = Producer(config)
    errors = []

    def on_delivery(err, _msg):
        if err is not None:
            errors.append(str(err))

    flush_every = spec.get("flush_every", 0)
    for i, m in enumerate(spec["messages"]):
        if flush_every and i and i % flush_every == 0:
            producer.flush(9)
        headers = [(k, encode(v)) for k, v in m.get("headers", [])]
        # One partition keeps the order the test asserts.
        producer.produce(spec["topic"], value=encode(m["value"]), key=encode(m["key"]),
                         headers=headers or None, partition=0, on_delivery=on_delivery)
    left = producer.flush(9)
    if left or errors:
        print(f"undelivered: {left}, errors: {errors}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
