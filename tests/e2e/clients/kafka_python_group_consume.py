#!/usr/bin/python3
"""A kafka-python KafkaConsumer in a consumer group (group_id, subscribe): consumes until it
owns every partition of the topic and has read each to the end offset it saw once assigned,
checking every message against e2e_messages, then commits (consumer.commit(): the positions,
synchronously) and reads the committed offsets back (consumer.committed(): OffsetFetch).

Prints "assigned <p> ..." once it owns every partition, "msg <partition> <offset> <seq>" per
message, "committed <partition> <offset>" per partition (-1: none), "consumed N bad B", and
"closed" after close() (which leaves the group). Exit code 0 when it finished in time with
no bad message.
"""
import argparse
import sys
import time

from kafka import KafkaConsumer, TopicPartition

import e2e_messages as m


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("group")
    parser.add_argument("--partitions", type=int, required=True, help="the topic's partition count")
    parser.add_argument("--timeout-s", type=float, default=120)
    args = parser.parse_args()

    consumer = KafkaConsumer(bootstrap_servers=args.bootstrap, group_id=args.group, client_id="e2e-kafka-python",
                             enable_auto_commit=False, auto_offset_reset="earliest", max_poll_records=1000,
                             session_timeout_ms=10000, heartbeat_interval_ms=500)
    consumer.subscribe([args.topic])
    everything = {TopicPartition(args.topic, p) for p in range(args.partitions)}
    deadline = time.monotonic() + args.timeout_s
    end = None
    count, bad = 0, 0
    while time.monotonic() < deadline:
        if end is None and consumer.assignment() == everything:
            end = consumer.end_offsets(list(everything))
            print("assigned" + "".join(f" {tp.partition}" for tp in sorted(everything)), flush=True)
        if end is not None and all(consumer.position(tp) >= end[tp] for tp in everything):
            break
        for tp, records in consumer.poll(timeout_ms=200).items():
            for r in records:
                seq = m.seq_of(r.value)
                problem = m.check(seq, r.key, r.value, r.headers)
                if problem is None and r.partition != m.partition(seq, args.partitions):
                    problem = f"in partition {r.partition}"
                if problem:
                    bad += 1
                    print(f"bad message at {r.partition}/{r.offset} seq {seq}: {problem}", file=sys.stderr)
                count += 1
                print(f"msg {r.partition} {r.offset} {seq}")
    else:
        print(f"deadline: assignment {consumer.assignment()}, end offsets {end}", file=sys.stderr)
        consumer.close()
        return 1
    consumer.commit()
    for tp in sorted(everything):
        committed = consumer.committed(tp)
        print(f"committed {tp.partition} {-1 if committed is None else committed}")
    print(f"consumed {count} bad {bad}", flush=True)
    consumer.close()
    print("closed", flush=True)
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
