#!/usr/bin/python3
"""Produces one record (value: its index) per --timestamps entry (CreateTime, in that order) to a partition with
confluent-kafka, flushing after the records whose index is in --flush-after (so they end
batches), then asks offsets_for_times for each --query timestamp.

Prints "ack <offset> <timestamp>" per record, then "query <timestamp> -> <offset>" per query
(-1: no record at or after the timestamp, librdkafka's OFFSET_END)."""
import argparse
import sys

from confluent_kafka import Consumer, Producer, TopicPartition


def ints(text):
    return [int(x) for x in text.split(",") if x]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--partition", type=int, default=0)
    parser.add_argument("--timestamps", type=ints, default=[], help="none: only the queries")
    parser.add_argument("--flush-after", type=ints, default=[])
    parser.add_argument("--query", type=ints, required=True)
    args = parser.parse_args()

    producer = Producer({"bootstrap.servers": args.bootstrap, "linger.ms": 50, "acks": "all"})
    acks = {}

    def on_delivery(err, msg):
        if err is not None:
            print(f"delivery error: {err}", file=sys.stderr)
        else:
            acks[int(msg.value())] = msg.offset()

    for i, ts in enumerate(args.timestamps):
        producer.produce(args.topic, value=b"%d" % i, partition=args.partition, timestamp=ts,
                         on_delivery=on_delivery)
        if i in args.flush_after:
            producer.flush(30)
    if producer.flush(30) or len(acks) != len(args.timestamps):
        print(f"acknowledged {len(acks)} of {len(args.timestamps)}", file=sys.stderr)
        return 1
    for i, ts in enumerate(args.timestamps):
        print(f"ack {acks[i]} {ts}")

    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "e2e-unused",
                         "enable.auto.commit": False})
    for q in args.query:  # one request each: a partition may appear only once per request
        tp = consumer.offsets_for_times([TopicPartition(args.topic, args.partition, q)], timeout=20)[0]
        if tp.error:
            print(f"query {q}: {tp.error}", file=sys.stderr)
            return 1
        print(f"query {q} -> {tp.offset}")
    consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
