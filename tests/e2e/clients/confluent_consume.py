#!/usr/bin/python3
"""Reads partitions 0..partitions-1 of a topic from the beginning to their high watermarks with
confluent-kafka (partitions assigned explicitly: no consumer group) and checks every message
against e2e_messages: content, partition, and sequence numbers rising within a partition.

Prints "watermarks <partition> <low> <high>" per partition, the summary of what was read
(e2e_messages.summary), then "consumed N bad B order_violations O gaps G". With --list, also
"msg <partition> <offset> <seq>" per message. Exit code 0 when every partition was read to its
high watermark and no message was bad (order and gaps are the caller's to judge).
"""
import argparse
import ctypes
import sys
import time

import confluent_kafka
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

import e2e_messages as m


# confluent-kafka-python before 1.8.2 (Debian 12 has 1.7.0) returns null header values from
# msg.headers() without taking a reference to None (confluent-kafka-python issue #1191), and
# the interpreter aborts once None's count reaches zero: take the missing reference.
_HEADERS_LOSE_NONE = tuple(int(x) for x in confluent_kafka.version()[0].split(".")[:3]) < (1, 8, 2)


def headers_of(msg):
    headers = msg.headers()
    if _HEADERS_LOSE_NONE:
        for _, v in headers or []:
            if v is None:
                ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    return headers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--timeout-s", type=int, default=120)
    parser.add_argument("--no-null-headers", action="store_true", help="produced by kafka-python")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "e2e-unused",  # librdkafka wants one; no group request is made without commit/subscribe
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    })
    low, high = {}, {}
    for p in range(args.partitions):
        low[p], high[p] = consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=20)
        print(f"watermarks {p} {low[p]} {high[p]}")
    consumer.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in range(args.partitions)])

    entries, bad, order_violations, gaps = [], 0, 0, 0
    last = {}  # partition -> (offset, seq) of the last message read
    deadline = time.monotonic() + args.timeout_s
    done = lambda: all(last.get(p, (low[p] - 1,))[0] + 1 >= high[p] for p in high)
    while not done() and time.monotonic() < deadline:
        for msg in consumer.consume(num_messages=10000, timeout=0.5):
            if msg.error():
                print(f"consume error: {msg.error()}", file=sys.stderr)
                return 1
            p, o = msg.partition(), msg.offset()
            seq = m.seq_of(msg.value())
            problem = m.check(seq, msg.key(), msg.value(), headers_of(msg), not args.no_null_headers)
            if problem is None and p != m.partition(seq, args.partitions):
                problem = f"in partition {p}"
            if problem:
                bad += 1
                if bad <= 10:
                    print(f"bad message at {p}/{o} seq {seq}: {problem}", file=sys.stderr)
            if p in last:
                if o != last[p][0] + 1:
                    gaps += 1
                if seq <= last[p][1]:
                    order_violations += 1
            last[p] = (o, seq)
            entries.append((p, o, seq))
            if args.list:
                print(f"msg {p} {o} {seq}")
    consumer.close()
    for line in m.summary(entries):
        print(line)
    print(f"consumed {len(entries)} bad {bad} order_violations {order_violations} gaps {gaps}")
    if not done():
        print(f"not read to the high watermarks {high} before the deadline: at {last}", file=sys.stderr)
        return 1
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
