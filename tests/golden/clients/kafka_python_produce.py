#!/usr/bin/python3
"""Produces the messages of a JSON spec on stdin with kafka-python (api_version auto).

Spec: {"bootstrap": "host:port", "topic": str, "compression": null|"gzip"|...,
       "messages": [{"key": str|null, "value": str|null, "headers": [[str, str], ...]}]}
Exits 0 once every message is acknowledged.
"""
import json
import sys

from kafka import KafkaProducer


def encode(text):
    return None if text is None else text.encode("utf-8")


def main():
    spec = json.load(sys.stdin)
    producer = KafkaProducer(bootstrap_servers=spec["bootstrap"],
                             compression_type=spec.get("compression"),
                             linger_ms=20, acks="all", request_timeout_ms=8000)
    futures = [producer.send(spec["topic"], key=encode(m["key"]), value=encode(m["value"]),
                             headers=[(k, encode(v)) for k, v in m.get("headers", [])],
                             partition=0)
               for m in spec["messages"]]
    producer.flush(timeout=9)
    for f in futures:
        f.get(timeout=1)  # raises on a delivery error
    producer.close(timeout=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
