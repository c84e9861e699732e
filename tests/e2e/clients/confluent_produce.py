#!/usr/bin/python3
"""Produces messages first..first+count-1 of e2e_messages with confluent-kafka (librdkafka),
each to partition seq % partitions, and waits for every acknowledgement.

Prints the summary of what was acknowledged (e2e_messages.summary), then "acked N errors E".
With --print-acks, also a line "ack <partition> <offset> <seq>" per acknowledgement as it
arrives (flushed), so a test can follow the progress while it restarts the broker; with
--progress N, a line "progress <acked>" every N. --idempotent sets enable.idempotence.
Exit code 0 when every message was acknowledged.
"""
import argparse
import sys
import time

from confluent_kafka import Producer

import e2e_messages as m


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--codec", default="none")
    parser.add_argument("--acks", default="all")
    parser.add_argument("--rate", type=int, default=0, help="messages per second; 0: unpaced")
    parser.add_argument("--max-in-flight", type=int, default=5)
    parser.add_argument("--batch-bytes", type=int, default=1000000, help="librdkafka batch.size")
    parser.add_argument("--timeout-s", type=int, default=120, help="per message, retries included")
    parser.add_argument("--print-acks", action="store_true")
    parser.add_argument("--progress", type=int, default=0, help="print 'progress N' every N acknowledgements")
    parser.add_argument("--idempotent", action="store_true", help="enable.idempotence (acks=all, <= 5 in flight)")
    args = parser.parse_args()

    producer = Producer({
        "bootstrap.servers": args.bootstrap,
        "compression.codec": args.codec,
        "acks": args.acks,
        "linger.ms": 5,
        "batch.size": args.batch_bytes,
        "max.in.flight.requests.per.connection": args.max_in_flight,
        "message.timeout.ms": args.timeout_s * 1000,
        "queue.buffering.max.messages": 200000,
        "reconnect.backoff.max.ms": 1000,  # back soon after a broker restart
        "enable.idempotence": args.idempotent,
    })
    acks, errors = [], []

    def on_delivery(err, msg):
        seq = m.seq_of(msg.value())
        if err is not None:
            errors.append(f"{seq}: {err}")
            return
        acks.append((msg.partition(), msg.offset(), seq))
        if args.progress and len(acks) % args.progress == 0:
            print(f"progress {len(acks)}", flush=True)
        if args.print_acks:
            print(f"ack {msg.partition()} {msg.offset()} {seq}", flush=True)

    start = time.monotonic()
    for seq in range(args.first, args.first + args.count):
        if args.rate:
            ahead = (seq - args.first) / args.rate - (time.monotonic() - start)
            if ahead > 0:
                producer.poll(ahead)
        while True:
            try:
                producer.produce(args.topic, value=m.value(seq), key=m.key(seq), headers=m.headers(seq),
                                 partition=m.partition(seq, args.partitions), on_delivery=on_delivery)
                break
            except BufferError:  # local queue full: serve delivery reports, then retry
                producer.poll(0.05)
        producer.poll(0)
    left = producer.flush(args.timeout_s + 10)
    for line in m.summary(acks):
        print(line)
    print(f"acked {len(acks)} errors {len(errors)} undelivered {left}", flush=True)
    for e in errors[:10]:
        print(f"delivery error {e}", file=sys.stderr)
    return 0 if len(acks) == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
