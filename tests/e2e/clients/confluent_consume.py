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
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

import e2e_messages as m


# confluent-kafka-python before 1.8.2 (Debian 12 has 1.7.0) returns null header values from
# msg.headers() without taking a reference to None (confluent-kafka-python issue #1191), and
# the interpreter aborts once None's count reaches zero: take the missing reference.
_HEADERS_LOSE_NONE = tuple(int(x) for x in confluent_kafka.version()[0].split(".")[:3]) < (1, 8, 2)


_TRANSIENT = (KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN)


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
    parser.add_argument("--until-seq", type=int, default=0,
                        help="read until each partition's last message below this seq (a consumer started "
                             "before its producer), instead of to the high watermarks read at start")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "e2e-unused",  # librdkafka wants one: it looks up the coordinator (FindCoordinator), never joins
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
    if args.until_seq:
        final = {p: max(s for s in range(max(0, args.until_seq - args.partitions), args.until_seq)
                        if m.partition(s, args.partitions) == p) for p in high}
        done = lambda: all(last.get(p, (-1, -1))[1] >= final[p] for p in high)
    else:
        done = lambda: all(last.get(p, (low[p] - 1,))[0] + 1 >= high[p] for p in high)
    while not done() and time.monotonic() < deadline:
        for msg in consumer.consume(num_messages=10000, timeout=0.5):
            if msg.error():
                # A broker restart shows as transport errors; the consumer reconnects by itself.
                print(f"consume error: {msg.error()}", file=sys.stderr)
                if msg.error().fatal() or not msg.error().code() in _TRANSIENT:
                    return 1
                continue
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
                print(f"msg {p} {o} {seq}", flush=True)
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
