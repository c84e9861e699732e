#!/usr/bin/python3
"""A confluent-kafka (librdkafka) consumer in a consumer group: subscribes to a topic and
consumes with manual commits, checking every message against e2e_messages.

Commits: enable.auto.commit is off; after each batch returned by consume() the consumer
commits the offsets after the batch's messages synchronously, and only once the commit
succeeded prints them. librdkafka delivers revocations (and runs the rebalance callbacks) only
inside consume()/close(), so everything printed was committed before the partitions could go
to another member: under correct broker behaviour no message is printed twice across the
group, and none is lost. A batch whose commit fails is not printed; the consumer seeks back
to it (when it keeps the partitions it reads it again, otherwise their next owner does).

Output (flushed line by line, so a test can follow it while the consumer runs):
  assigned <p> <p> ...      the rebalance callback's new assignment (eager: the whole set)
  revoked <p> <p> ...       the rebalance callback's revocation
  msg <partition> <offset> <seq>   per message, once its commit succeeded
  committed <partition> <offset>   per partition of the topic at the end (OffsetFetch through
                                   consumer.committed(); -1001: nothing committed)
  closed                    after close() returned
Problems go to stderr; "bad ..." lines for messages that are not what e2e_messages says.

It runs until SIGTERM, or with --max-messages until it processed that many, or with
--until-end until it owns every partition of the topic and has consumed each to the high
watermark it read at start. --committed-only prints the committed lines without joining.
Exit code 0 when it finished cleanly with no bad message.
"""
import argparse
import signal
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

import e2e_messages as m
from confluent_consume import headers_of

_TRANSIENT = (KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("group")
    parser.add_argument("--partitions", type=int, required=True, help="the topic's partition count")
    parser.add_argument("--client-id", default="e2e-group-consumer")
    parser.add_argument("--instance-id", help="group.instance.id: a static member (KIP-345)")
    parser.add_argument("--session-timeout-ms", type=int, default=10000)
    parser.add_argument("--heartbeat-interval-ms", type=int, default=500)
    parser.add_argument("--max-messages", type=int, default=0)
    parser.add_argument("--until-end", action="store_true")
    parser.add_argument("--committed-only", action="store_true")
    parser.add_argument("--timeout-s", type=float, default=120, help="--max-messages, --until-end: give up after")
    args = parser.parse_args()

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))

    config = {
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "client.id": args.client_id,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": args.session_timeout_ms,
        "heartbeat.interval.ms": args.heartbeat_interval_ms,
        "reconnect.backoff.max.ms": 1000,
    }
    if args.instance_id:
        config["group.instance.id"] = args.instance_id
    consumer = Consumer(config)
    everything = [TopicPartition(args.topic, p) for p in range(args.partitions)]

    def print_committed():
        try:
            committed = consumer.committed(everything, timeout=30)
        except KafkaException as e:
            print(f"committed: {e}", file=sys.stderr)
            return False
        for tp in sorted(committed, key=lambda tp: tp.partition):
            if tp.error:
                print(f"committed {tp.partition}: {tp.error}", file=sys.stderr)
                return False
            print(f"committed {tp.partition} {tp.offset}", flush=True)
        return True

    if args.committed_only:
        ok = print_committed()
        consumer.close()
        print("closed", flush=True)
        return 0 if ok else 1

    high = {}
    if args.until_end:
        for p in range(args.partitions):
            _, high[p] = consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=20)

    owned = set()       # the current assignment
    next_offset = {}    # partition -> the offset after the last message committed, or where it starts

    def on_assign(_, partitions):
        owned.clear()
        owned.update(tp.partition for tp in partitions)
        next_offset.clear()
        print("assigned" + "".join(f" {p}" for p in sorted(owned)), flush=True)

    def on_revoke(_, partitions):
        owned.difference_update(tp.partition for tp in partitions)
        print("revoked" + "".join(f" {tp.partition}" for tp in sorted(partitions, key=lambda tp: tp.partition)),
              flush=True)

    consumer.subscribe([args.topic], on_assign=on_assign, on_revoke=on_revoke)

    def at_end():
        if owned != set(range(args.partitions)):
            return False
        unknown = [TopicPartition(args.topic, p) for p in owned if p not in next_offset]
        if unknown:  # where the group's committed offsets start them (else the low watermark: earliest)
            for tp in consumer.committed(unknown, timeout=30):
                next_offset[tp.partition] = tp.offset if tp.offset >= 0 else \
                    consumer.get_watermark_offsets(TopicPartition(args.topic, tp.partition), timeout=20)[0]
        return all(next_offset[p] >= high[p] for p in owned)

    processed, bad, failed = 0, 0, False
    deadline = time.monotonic() + args.timeout_s
    one_shot = args.max_messages or args.until_end
    while not stop:
        if args.max_messages and processed >= args.max_messages:
            break
        if args.until_end and at_end():
            break
        if one_shot and time.monotonic() > deadline:
            print(f"deadline: processed {processed}, owned {sorted(owned)}, at {next_offset}, high {high}",
                  file=sys.stderr)
            failed = True
            break
        batch = []
        for msg in consumer.consume(num_messages=500, timeout=0.2):
            if msg.error():
                print(f"consume error: {msg.error()}", file=sys.stderr)
                if msg.error().fatal() or msg.error().code() not in _TRANSIENT:
                    failed = True
                continue
            seq = m.seq_of(msg.value())
            problem = m.check(seq, msg.key(), msg.value(), headers_of(msg))
            if problem is None and msg.partition() != m.partition(seq, args.partitions):
                problem = f"in partition {msg.partition()}"
            if problem:
                bad += 1
                print(f"bad message at {msg.partition()}/{msg.offset()} seq {seq}: {problem}", file=sys.stderr)
            batch.append((msg.partition(), msg.offset(), seq))
        if failed:
            break
        if args.max_messages:
            batch = batch[:args.max_messages - processed]
        if not batch:
            continue
        first, after = {}, {}
        for p, o, _ in batch:
            first.setdefault(p, o)
            after[p] = o + 1
        try:
            result = consumer.commit(offsets=[TopicPartition(args.topic, p, o) for p, o in after.items()],
                                     asynchronous=False)
            errors = [f"{tp.partition}: {tp.error}" for tp in result if tp.error]
        except KafkaException as e:
            errors = [str(e)]
        if errors:
            print(f"commit of {after} failed: {errors}; seeking back to {first}", file=sys.stderr)
            for p, o in first.items():
                try:
                    consumer.seek(TopicPartition(args.topic, p, o))
                except KafkaException as e:
                    print(f"seek {p}/{o}: {e}", file=sys.stderr)
            continue
        next_offset.update(after)
        processed += len(batch)
        print("".join(f"msg {p} {o} {s}\n" for p, o, s in batch), end="", flush=True)

    if not print_committed():
        failed = True
    consumer.close()
    print("closed", flush=True)
    return 0 if not failed and bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
