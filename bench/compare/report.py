#!/usr/bin/env python3
"""results.jsonl of bench/compare/run.sh -> the markdown report under bench/results/.

usage: report.py <results.jsonl> <report.md> <loadavg before> <loadavg after> <seconds> <commit>
"""
import json
import sys

# Which machine limit bounds each workload: the client and broker share loopback TCP, and the
# durable workload also waits for fdatasync.
LIMIT_OF = {"produce_1k_acksall_8p": "limit_disk_fdatasync_1MiB"}
DEFAULT_LIMIT = "limit_loopback_tcp"


def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def ratio(numerator, denominator):
    return numerator / denominator if numerator is not None and denominator else None


def table(rows, limits):
    lines = ["| workload | broker | msgs/s | MB/s | broker CPU s/GB | broker peak RSS MiB "
             "| Sluice/mock msgs/s | Sluice/limit MB/s |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    workloads = list(dict.fromkeys(r["workload"] for r in rows if not r["workload"].startswith("limit_")))
    for workload in workloads:
        by_broker = {r["broker"]: r for r in rows if r["workload"] == workload}
        mock, sluice = by_broker.get("mock", {}), by_broker.get("sluice", {})
        limit = limits.get(LIMIT_OF.get(workload, DEFAULT_LIMIT), {})
        for name, row in (("mock", mock), ("sluice", sluice)):
            if "error" in row or not row:
                lines.append(f"| {workload} | {name} | failed: {row.get('error', 'no run')} | | | | | |")
                continue
            vs_mock = fmt(ratio(sluice.get("msgs_per_s"), mock.get("msgs_per_s")), ".2f") if name == "sluice" else ""
            vs_limit = fmt(ratio(row.get("MBps"), limit.get("MBps")), ".2f")
            lines.append(f"| {workload} | {name} | {row['msgs_per_s']:,.0f} | {row['MBps']:.1f} "
                         f"| {fmt(row['cpu_s_per_GB'], '.2f')} | {row['peak_rss_MiB']:.0f} | {vs_mock} | {vs_limit} |")
    return lines


def targets(rows, limits):
    """Issue 7's targets that this run measures, each with its verdict."""
    get = {(r["workload"], r["broker"]): r for r in rows}

    def value(workload, broker, key):
        return get.get((workload, broker), {}).get(key)

    checks = [
        ("produce 1 KiB acks=1: Sluice ≥ 0.90 × mock msgs/s",
         ratio(value("produce_1k_acks1_8p", "sluice", "msgs_per_s"), value("produce_1k_acks1_8p", "mock", "msgs_per_s")),
         lambda r: r >= 0.90, ".2f"),
        ("produce 1 KiB acks=1: broker CPU ≤ 0.6 core-s/GB",
         value("produce_1k_acks1_8p", "sluice", "cpu_s_per_GB"), lambda v: v <= 0.6, ".2f"),
        ("produce 1 KiB acks=all 8 partitions: Sluice ≥ 0.80 × fio (fdatasync every 1 MiB) MB/s",
         ratio(value("produce_1k_acksall_8p", "sluice", "MBps"), limits.get("limit_disk_fdatasync_1MiB", {}).get("MBps")),
         lambda r: r >= 0.80, ".2f"),
        ("consume catch-up 64 partitions: Sluice ≥ 2 × mock msgs/s",
         ratio(value("consume_1k_64p", "sluice", "msgs_per_s"), value("consume_1k_64p", "mock", "msgs_per_s")),
         lambda r: r >= 2.0, ".2f"),
    ]
    lines = ["| target | measured | met |", "|---|---:|---|"]
    for text, measured, test, spec in checks:
        met = "—" if measured is None else ("yes" if test(measured) else "**no**")
        lines.append(f"| {text} | {fmt(measured, spec)} | {met} |")
    return lines


def main(results, report, loadavg_before, loadavg_after, seconds, commit):
    rows = [json.loads(line) for line in open(results) if line.strip()]
    limits = {r["workload"]: r for r in rows if r["workload"].startswith("limit_")}
    loopback = limits.get("limit_loopback_tcp", {}).get("MBps")
    disk = limits.get("limit_disk_fdatasync_1MiB", {})
    out = [f"# Sluice vs librdkafka mock vs machine limits — commit {commit}", "",
           f"Load average before the run: {loadavg_before}; after: {loadavg_after} (2 cores, shared). "
           f"Whole run: {seconds} s. Only the ratios are comparable between runs.", "",
           f"Machine limits in the same run: loopback TCP (iperf3, 1 stream, 5 s) {fmt(loopback, '.0f')} MB/s; "
           f"sequential 1 MiB writes with fdatasync after each (fio) {fmt(disk.get('MBps'), '.0f')} MB/s, "
           f"fdatasync p99 {fmt(disk.get('fdatasync_p99_us'), '.0f')} µs.", ""]
    out += table(rows, limits)
    out += ["", "Client: librdkafka's rdkafka_performance (default producer settings, linger.ms=5), one "
            "process per run. MB/s counts record payload only (10^6 bytes/s). CPU s/GB: the broker "
            "process's utime+stime over the client run per 10^9 payload bytes. Peak RSS: VmHWM, reset "
            "before each run. Sluice/limit divides by loopback TCP, or by fio for the acks=all workload.",
            "", "## Issue 7 targets measured here", ""]
    out += targets(rows, limits)
    out += ["", "Not measured yet: 100 partitions, 100 B acks=all, latency at a fixed rate (p50/p99/p99.9/max), "
            "end-to-end latency, PNG chart."]
    with open(report, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
