#!/usr/bin/python3
"""Transactions with confluent-kafka (librdkafka), one scenario per subcommand. Each prints
lines a test asserts on; exit code 0 when the scenario ran as far as it should.

  commit-abort BOOTSTRAP TOPIC --count N
      One transaction of N messages ("c-<i>", partition i % 3) committed, then one of N ("a-<i>")
      aborted. Prints "committed N", "aborted N".
  consume BOOTSTRAP TOPIC --isolation read_committed|read_uncommitted [--partitions 3]
      Reads every partition from the beginning to its high watermark (no group). Prints
      "msg <partition> <offset> <value>" per message, then "consumed N".
  transform BOOTSTRAP IN OUT --group G --count N --outcome commit|abort
      Consume-transform-produce: reads N messages of IN in group G (manual commits off), writes
      "t-<value>" to OUT, sends the consumer's positions with send_offsets_to_transaction, then
      commits or aborts. Prints "positions <p>:<offset>,...", then "<outcome> N".
  committed BOOTSTRAP TOPIC --group G [--partitions 3]
      Prints "committed <p> <offset>" per partition (OffsetFetch; -1001 when none).
  fence BOOTSTRAP TOPIC --id T
      Producer A starts a transaction and writes; producer B with the same transactional.id
      initializes; A's commit must fail as fenced. Prints "a-error <name> fatal=<bool>" and
      "b-committed".
  open BOOTSTRAP TOPIC --id T --count N [--timeout-ms MS] [--wait-file F]
      Starts a transaction, writes N messages ("o-<i>") and flushes them; prints "produced N".
      Without --wait-file, exits at once without ending the transaction (os._exit: no abort is
      sent). With --wait-file, waits until the file exists, then commits: prints "commit ok" or
      "commit failed <name> abortable=<bool> fatal=<bool>" (and aborts if abortable).
"""
import argparse
import os
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition


def producer(bootstrap, transactional_id, extra=None):
    config = {
        "bootstrap.servers": bootstrap,
        "transactional.id": transactional_id,
        "linger.ms": 5,
        "reconnect.backoff.max.ms": 1000,
    }
    config.update(extra or {})
    return Producer(config)


def produce_all(p, topic, values, partitions=3):
    for i, v in enumerate(values):
        while True:
            try:
                p.produce(topic, value=v.encode(), partition=i % partitions)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
    if p.flush(60) != 0:
        raise RuntimeError("messages left unflushed")


def commit_abort(args):
    p = producer(args.bootstrap, "e2e-commit-abort")
    p.init_transactions(30)
    p.begin_transaction()
    produce_all(p, args.topic, [f"c-{i}" for i in range(args.count)])
    p.commit_transaction(30)
    print(f"committed {args.count}", flush=True)
    p.begin_transaction()
    produce_all(p, args.topic, [f"a-{i}" for i in range(args.count)])
    p.abort_transaction(30)
    print(f"aborted {args.count}", flush=True)
    return 0


def consume(args):
    c = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "e2e-txn-reader",  # never joins: partitions are assigned explicitly
        "enable.auto.commit": False,
        "isolation.level": args.isolation,
    })
    high = {}
    for p in range(args.partitions):
        _, high[p] = c.get_watermark_offsets(TopicPartition(args.topic, p), timeout=20)
    c.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in range(args.partitions)])
    count = 0
    deadline = time.monotonic() + args.timeout_s

    def done():
        # Positions move past control batches too: the end is the high watermark.
        positions = c.position([TopicPartition(args.topic, p) for p in range(args.partitions)])
        return all(tp.offset >= high[tp.partition] or high[tp.partition] == 0 for tp in positions)

    while time.monotonic() < deadline:
        for msg in c.consume(num_messages=1000, timeout=0.5):
            if msg.error():
                print(f"consume error: {msg.error()}", file=sys.stderr)
                continue
            print(f"msg {msg.partition()} {msg.offset()} {msg.value().decode()}")
            count += 1
        if done():
            break
    ok = done()
    c.close()
    print(f"consumed {count}", flush=True)
    return 0 if ok else 1


def transform(args):
    c = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
    })
    c.subscribe([args.input])
    p = producer(args.bootstrap, f"e2e-transform-{args.group}")
    p.init_transactions(30)
    p.begin_transaction()
    seen = 0
    deadline = time.monotonic() + args.timeout_s
    while seen < args.count and time.monotonic() < deadline:
        for msg in c.consume(num_messages=args.count - seen, timeout=0.5):
            if msg.error():
                print(f"consume error: {msg.error()}", file=sys.stderr)
                continue
            p.produce(args.output, value=b"t-" + msg.value(), partition=msg.partition())
            seen += 1
    positions = c.position(c.assignment())
    print("positions " + ",".join(f"{tp.partition}:{tp.offset}" for tp in sorted(positions, key=lambda t: t.partition)),
          flush=True)
    p.send_offsets_to_transaction(positions, c.consumer_group_metadata(), 30)
    if args.outcome == "commit":
        p.commit_transaction(30)
    else:
        p.abort_transaction(30)
    c.close()
    print(f"{args.outcome} {seen}", flush=True)
    return 0 if seen == args.count else 1


def committed(args):
    c = Consumer({"bootstrap.servers": args.bootstrap, "group.id": args.group, "enable.auto.commit": False})
    for tp in sorted(c.committed([TopicPartition(args.topic, p) for p in range(args.partitions)], timeout=20),
                     key=lambda t: t.partition):
        print(f"committed {tp.partition} {tp.offset}")
    c.close()
    return 0


def fence(args):
    a = producer(args.bootstrap, args.id)
    a.init_transactions(30)
    a.begin_transaction()
    produce_all(a, args.topic, ["fenced-a"])
    b = producer(args.bootstrap, args.id)
    b.init_transactions(30)  # bumps the epoch: A is fenced (its open transaction aborted)
    b.begin_transaction()
    produce_all(b, args.topic, ["fencer-b"])
    try:
        a.produce(args.topic, value=b"after-fence", partition=0)
        a.flush(10)
        a.commit_transaction(30)
        print("a-committed", flush=True)
    except KafkaException as e:
        err = e.args[0]
        print(f"a-error {err.name()} fatal={err.fatal()}", flush=True)
    b.commit_transaction(30)
    print("b-committed", flush=True)
    return 0


def open_txn(args):
    p = producer(args.bootstrap, args.id, {"transaction.timeout.ms": args.timeout_ms})
    p.init_transactions(30)
    p.begin_transaction()
    produce_all(p, args.topic, [f"o-{i}" for i in range(args.count)])
    print(f"produced {args.count}", flush=True)
    if not args.wait_file:
        os._exit(0)  # no abort_transaction, no close: the transaction stays open on the broker
    while not os.path.exists(args.wait_file):
        time.sleep(0.1)
    try:
        p.commit_transaction(60)
        print("commit ok", flush=True)
    except KafkaException as e:
        err = e.args[0]
        print(f"commit failed {err.name()} abortable={err.txn_requires_abort()} fatal={err.fatal()}", flush=True)
        if err.txn_requires_abort():
            p.abort_transaction(60)
    return 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("commit-abort")
    s.add_argument("bootstrap")
    s.add_argument("topic")
    s.add_argument("--count", type=int, default=30)
    s = sub.add_parser("consume")
    s.add_argument("bootstrap")
    s.add_argument("topic")
    s.add_argument("--isolation", required=True)
    s.add_argument("--partitions", type=int, default=3)
    s.add_argument("--timeout-s", type=int, default=60)
    s = sub.add_parser("transform")
    s.add_argument("bootstrap")
    s.add_argument("input")
    s.add_argument("output")
    s.add_argument("--group", required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--outcome", choices=["commit", "abort"], required=True)
    s.add_argument("--timeout-s", type=int, default=60)
    s = sub.add_parser("committed")
    s.add_argument("bootstrap")
    s.add_argument("topic")
    s.add_argument("--group", required=True)
    s.add_argument("--partitions", type=int, default=3)
    s = sub.add_parser("fence")
    s.add_argument("bootstrap")
    s.add_argument("topic")
    s.add_argument("--id", required=True)
    s = sub.add_parser("open")
    s.add_argument("bootstrap")
    s.add_argument("topic")
    s.add_argument("--id", required=True)
    s.add_argument("--count", type=int, default=30)
    s.add_argument("--timeout-ms", type=int, default=60000)
    s.add_argument("--wait-file")
    args = parser.parse_args()
    return {"commit-abort": commit_abort, "consume": consume, "transform": transform, "committed": committed,
            "fence": fence, "open": open_txn}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
