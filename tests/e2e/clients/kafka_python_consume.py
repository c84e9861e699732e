#!/usr/bin/python3
"""Reads partitions 0..partitions-1 of a topic from the beginning to their end offsets with
kafka-python (partitions assigned explicitly, group_id=None) and checks every message against
e2e_messages, as confluent_consume.py does, printing the same lines (without --list)."""
import argparse
import sys
import time

from kafka import KafkaConsumer, TopicPartition

import e2e_messages as m


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--timeout-s", type=int, default=120)
    parser.add_argument("--no-null-headers", action="store_true", help="produced by kafka-python")
    args = parser.parse_args()

    consumer = KafkaConsumer(bootstrap_servers=args.bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", max_poll_records=10000)
    partitions = [TopicPartition(args.topic, p) for p in range(args.partitions)]
    consumer.assign(partitions)
    low = {tp.partition: o for tp, o in consumer.beginning_offsets(partitions).items()}
    high = {tp.partition: o for tp, o in consumer.end_offsets(partitions).items()}
    for p in sorted(high):
        print(f"watermarks {p} {low[p]} {high[p]}")
    consumer.seek_to_beginning()

    entries, bad, order_violations, gaps = [], 0, 0, 0
    last = {}
    deadline = time.monotonic() + args.timeout_s
    done = lambda: all(last.get(p, (low[p] - 1,))[0] + 1 >= high[p] for p in high)
    while not done() and time.monotonic() < deadline:
        for tp, records in consumer.poll(timeout_ms=500).items():
            for r in records:
                p, o = r.partition, r.offset
                seq = m.seq_of(r.value)
                problem = m.check(seq, r.key, r.value, r.headers, not args.no_null_headers)
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
    consumer.close()
    for line in m.summary(entries):
        print(line)
    print(f"consumed {len(entries)} bad {bad} order_violations {order_violations} gaps {gaps}")
    if not done():
        print(f"not read to the end offsets {high} before the deadline: at {last}", file=sys.stderr)
        return 1
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
