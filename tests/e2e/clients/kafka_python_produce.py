#!/usr/bin/python3
"""Produces messages first..first+count-1 of e2e_messages with kafka-python, each to partition
seq % partitions, and waits for every acknowledgement. Prints the summary of what was
acknowledged (e2e_messages.summary), then "acked N errors E". kafka-python refuses null
header values, so the messages carry none (consumers: --no-null-headers). Exit code 0 when every message
was acknowledged."""
import argparse
import sys

from kafka import KafkaProducer

import e2e_messages as m


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--codec", default="none")
    args = parser.parse_args()

    producer = KafkaProducer(bootstrap_servers=args.bootstrap,
                             compression_type=None if args.codec == "none" else args.codec,
                             acks="all", linger_ms=5, batch_size=64 * 1024,
                             max_in_flight_requests_per_connection=5, request_timeout_ms=60000)
    acks, errors = [], []
    for seq in range(args.first, args.first + args.count):
        future = producer.send(args.topic, key=m.key(seq), value=m.value(seq), headers=m.headers(seq, null_values=False),
                               partition=m.partition(seq, args.partitions))
        future.add_callback(lambda md, seq=seq: acks.append((md.partition, md.offset, seq)))
        future.add_errback(lambda e, seq=seq: errors.append(f"{seq}: {e!r}"))
    producer.flush(timeout=120)
    producer.close(timeout=10)
    for line in m.summary(acks):
        print(line)
    print(f"acked {len(acks)} errors {len(errors)}", flush=True)
    for e in errors[:10]:
        print(f"delivery error {e}", file=sys.stderr)
    return 0 if len(acks) == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
