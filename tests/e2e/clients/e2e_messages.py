"""The messages the end-to-end tests produce, and the checks their consumers apply.

Message `seq` is fully determined by its sequence number, so a consumer checks every byte
without being told what was sent: its value starts with the number, its key, headers and
partition follow from it. Summaries let the C++ test compare what producers were told
(acknowledged partition and offset per message) with what consumers read back.
"""
import hashlib

_FILLER = b"the quick brown fox jumps over the lazy dog; " * 8


def partition(seq, partitions):
    return seq % partitions


def key(seq):
    """Keys repeat (3000 distinct); every 7th message has none."""
    return None if seq % 7 == 0 else b"key-%04d" % (seq % 3000)


def value(seq):
    """9 to 305 bytes: the zero-padded sequence number, '|', then compressible text."""
    return b"%08d|" % seq + _FILLER[: (seq * 37) % 297]


def headers(seq, null_values=True):
    """Text, binary, empty and (unless not null_values: kafka-python cannot send them) null
    header values; the header count varies."""
    h = [("seq", b"%d" % seq), ("bin", bytes([seq & 0xFF, 0, 0xFF, (seq >> 8) & 0xFF]))]
    if seq % 3 == 0:
        h.append(("empty", b""))
    if null_values and seq % 5 == 0:
        h.append(("null", None))
    return h


def seq_of(value_bytes):
    return int(value_bytes[:8])


def check(seq, got_key, got_value, got_headers, null_values=True):
    """None when the message is exactly message `seq`, else what differs."""
    problems = []
    if got_key != key(seq):
        problems.append(f"key {got_key!r} != {key(seq)!r}")
    if got_value != value(seq):
        problems.append(f"value {got_value!r} != {value(seq)!r}")
    normalized = [(k, None if v is None else bytes(v)) for k, v in (got_headers or [])]
    if normalized != headers(seq, null_values):
        problems.append(f"headers {normalized!r} != {headers(seq, null_values)!r}")
    return "; ".join(problems) or None


def summary(entries):
    """One line per partition for (partition, offset, seq) entries: count, offset range and a
    digest of the (offset, seq) pairs in offset order."""
    by_partition = {}
    for p, o, s in entries:
        by_partition.setdefault(p, []).append((o, s))
    lines = []
    for p in sorted(by_partition):
        items = sorted(by_partition[p])
        digest = hashlib.sha256()
        for o, s in items:
            digest.update(b"%d:%d," % (o, s))
        lines.append(f"partition {p} count {len(items)} offsets {items[0][0]}..{items[-1][0]} "
                     f"sha256 {digest.hexdigest()[:16]}")
    return lines
