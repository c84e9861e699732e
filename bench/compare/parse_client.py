#!/usr/bin/env python3
"""One client run -> one JSON line (bench/compare/run.sh).

usage: parse_client.py <client log> <workload> <broker> <broker cpu ticks> <ticks per s> <peak rss KiB>
                       <records expected> <repeat>
The client is rdkafka_performance (a summary line: throughput), latency_client or wire_latency
(a JSON line: percentiles, passed through). MB/s is 10^6 bytes per second, as rdkafka_performance prints it;
CPU-seconds per GB divide by 10^9 payload bytes delivered or consumed.
"""
import json
import re
import sys

PRODUCED = re.compile(r"% (\d+) messages produced \((\d+) bytes\), (\d+) delivered .*? in (\d+)ms: "
                      r"(\d+) msgs/s and ([\d.]+) MB/s")
CONSUMED = re.compile(r"% (\d+) messages \((\d+) bytes\) consumed in (\d+)ms: (\d+) msgs/s \(([\d.]+) MB/s\)")


def parse(text):
    """(records, bytes, ms) of the last summary line, or None when the client printed none."""
    produced = PRODUCED.findall(text)
    if produced:
        sent, sent_bytes, delivered, ms, _, _ = produced[-1]
        # Bytes delivered: the producer counts bytes sent, so scale by the delivered share.
        delivered_bytes = int(sent_bytes) * int(delivered) // max(1, int(sent))
        return int(delivered), delivered_bytes, int(ms)
    consumed = CONSUMED.findall(text)
    if consumed:
        records, byte_count, ms, _, _ = consumed[-1]
        return int(records), int(byte_count), int(ms)
    return None


def latency_row(text, row, cpu_s):
    """latency_client's JSON line, or None when it printed none."""
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            client = json.loads(line)
            row.update(client)
            row["cpu_s"] = cpu_s
            missing = client["delivery"]["count"] - (client["end_to_end"] or client["delivery"])["count"]
            if client["delivery_errors"]:
                row["error"] = f"{client['delivery_errors']} delivery errors"
            elif missing > 0:
                # The mock keeps 5 MiB per partition: a slow consumer falls off its start.
                row["end_to_end_missing"] = missing
            return row
    return None


def wire_row(text, row, cpu_s):
    """wire_latency's JSON line, or None when it printed none."""
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            row.update(json.loads(line))
            row["cpu_s"] = cpu_s
            if "unanswered" not in row:  # -F: a fetch catch-up, whose failures print no JSON
                return row
            if row["unanswered"] or row["errors"]:
                row["error"] = f"{row['unanswered']} unanswered, {row['errors']} error responses"
            return row
    return None


def main(log, workload, broker, ticks, ticks_per_s, peak_rss_kib, expected, repeat):
    text = open(log, errors="replace").read()
    row = {"workload": workload, "broker": broker, "repeat": int(repeat)}
    if workload.startswith("wire_"):
        if wire_row(text, row, int(ticks) / int(ticks_per_s)) is None:
            row["error"] = (text.strip().splitlines() or ["no output"])[-1][:200]
        print(json.dumps(row))
        return
    if workload.startswith("latency_"):
        row["peak_rss_MiB"] = int(peak_rss_kib) / 1024
        if latency_row(text, row, int(ticks) / int(ticks_per_s)) is None:
            row["error"] = (text.strip().splitlines() or ["no output"])[-1][:200]
        print(json.dumps(row))
        return
    parsed = parse(text)
    if parsed is None or parsed[2] == 0:
        row["error"] = (text.strip().splitlines() or ["no output"])[-1][:200]
    elif parsed[0] < int(expected):
        # A run cut short by the timeout, or records lost: its rate would mean nothing.
        row["error"] = f"only {parsed[0]} of {expected} records in {parsed[2]} ms"
    else:
        records, byte_count, ms = parsed
        cpu_s = int(ticks) / int(ticks_per_s)
        row.update({"records": records, "bytes": byte_count, "seconds": ms / 1e3,
                    "msgs_per_s": records / (ms / 1e3), "MBps": byte_count / 1e6 / (ms / 1e3),
                    "cpu_s": cpu_s, "cpu_s_per_GB": cpu_s / (byte_count / 1e9) if byte_count else None,
                    "peak_rss_MiB": int(peak_rss_kib) / 1024})
    print(json.dumps(row))


if __name__ == "__main__":
    main(*sys.argv[1:])
