#!/usr/bin/env python3
"""results.jsonl of bench/compare/run.sh -> the markdown report and its PNG chart.

usage: report.py <results.jsonl> <report.md> <loadavg before> <vmstat idle% before> <loadavg after>
                 <seconds> <commit> <repeats> <cores>
The chart is written beside the report, with the same name and .png.
"""
import json
import os
import statistics
import sys

import chart

# Which machine limit bounds each workload: the client and broker share loopback TCP, and the
# durable workloads also wait for fdatasync.
DEFAULT_LIMIT = "limit_loopback_tcp"


def limit_of(workload):
    return "limit_disk_fdatasync_1MiB" if "acksall" in workload else DEFAULT_LIMIT


def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def ratio(numerator, denominator):
    return numerator / denominator if numerator is not None and denominator else None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Throughput:
    """The repeats of one throughput workload: per broker medians, and the Sluice/mock ratio of
    each repeat (mock and Sluice of the same repeat ran back to back)."""

    def __init__(self, workload, rows, limits):
        self.workload = workload
        self.runs = {b: [r for r in rows if r["broker"] == b] for b in ("mock", "sluice")}
        self.ok = {b: [r for r in runs if "error" not in r] for b, runs in self.runs.items()}
        self.failures = {b: [r["error"] for r in runs if "error" in r] for b, runs in self.runs.items()}
        by_repeat = {b: {r["repeat"]: r for r in ok} for b, ok in self.ok.items()}
        self.ratios = [ratio(by_repeat["sluice"][k]["msgs_per_s"], by_repeat["mock"][k]["msgs_per_s"])
                       for k in sorted(by_repeat["sluice"].keys() & by_repeat["mock"].keys())]
        self.limit = limits.get(limit_of(workload), {}).get("MBps")

    def median(self, broker, key):
        return median([r.get(key) for r in self.ok[broker]])

    def ratio_median(self):
        return median(self.ratios)

    def ratio_spread(self):
        return (min(self.ratios), max(self.ratios)) if self.ratios else (None, None)

    def limit_ratio(self):
        return ratio(self.median("sluice", "MBps"), self.limit)


def throughput_table(summaries):
    lines = ["| # | workload | mock msgs/s | Sluice msgs/s | Sluice MB/s | mock CPU s/GB | Sluice CPU s/GB "
             "| Sluice peak RSS MiB | **Sluice/mock** median (min–max) | Sluice/limit MB/s |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for number, t in enumerate(summaries, 1):
        low, high = t.ratio_spread()
        spread = f" ({low:.2f}–{high:.2f})" if low is not None else ""
        failed = "; ".join(f"{b} failed {len(e)}×: {e[0]}" for b, e in t.failures.items() if e)
        peak = max((r["peak_rss_MiB"] for r in t.ok["sluice"]), default=None)
        lines.append(
            f"| {number} | {t.workload}{' (' + failed + ')' if failed else ''} "
            f"| {fmt(t.median('mock', 'msgs_per_s'), ',.0f')} "
            f"| {fmt(t.median('sluice', 'msgs_per_s'), ',.0f')} | {fmt(t.median('sluice', 'MBps'), '.1f')} "
            f"| {fmt(t.median('mock', 'cpu_s_per_GB'), '.2f')} | {fmt(t.median('sluice', 'cpu_s_per_GB'), '.2f')} "
            f"| {fmt(peak, '.0f')} | **{fmt(t.ratio_median(), '.2f')}**{spread} "
            f"| {fmt(t.limit_ratio(), '.2f')} |")
    return lines


def latency_table(rows):
    lines = ["| workload | broker | msgs/s kept | delivery p50 / p99 / p99.9 / max µs "
             "| end-to-end p50 / p99 / p99.9 / max µs | broker CPU % | pacer behind max ms |",
             "|---|---|---:|---:|---:|---:|---:|"]

    def quad(summary):
        return " / ".join(fmt(summary.get(k), ",.0f") for k in ("p50_us", "p99_us", "p999_us", "max_us"))

    e2e_runs = {r["workload"][:-len("_e2e")]: r for r in rows if r["workload"].endswith("_e2e")}
    for r in rows:
        if r["workload"].endswith("_e2e"):
            continue
        if "error" in r:
            lines.append(f"| {r['workload']} | {r['broker']} | failed: {r['error']} | | | | |")
            continue
        seconds = r["sent_measured"] / r["rate_msgs_per_s"]
        e2e_run = e2e_runs.get(r["workload"]) if r["broker"] == "sluice" else None
        if e2e_run is None:
            e2e = "— (not run)" if r["broker"] == "sluice" else "— (no peer figure)"
        elif "error" in e2e_run:
            e2e = f"failed: {e2e_run['error']}"
        else:
            missing = e2e_run.get("end_to_end_missing")
            e2e = quad(e2e_run["end_to_end"]) + (f" ({missing:,} not read back)" if missing else "")
        lines.append(f"| {r['workload']} | {r['broker']} | {r['sent_measured'] / seconds:,.0f} "
                     f"| {quad(r['delivery'])} | {e2e} | {100 * r['cpu_s'] / seconds:.0f} "
                     f"| {r['behind_max_ms']:.1f} |")
    return lines


def wire_fetch_table(rows):
    """wire_latency -F runs: per broker medians and the Sluice/mock ratio of each repeat."""
    by = {b: {r["repeat"]: r for r in rows if r["broker"] == b and "error" not in r} for b in ("mock", "sluice")}
    ratios = [ratio(by["sluice"][k]["msgs_per_s"], by["mock"][k]["msgs_per_s"])
              for k in sorted(by["sluice"].keys() & by["mock"].keys())]
    lines = ["| workload | mock msgs/s | Sluice msgs/s | Sluice MB/s | records per response mock / Sluice "
             "| Sluice CPU s/GB | **Sluice/mock** median (min–max) |", "|---|---:|---:|---:|---:|---:|---:|"]
    failed = [f"{r['broker']}: {r['error']}" for r in rows if "error" in r]
    if rows:
        med = lambda b, k: median([r.get(k) for r in by[b].values()])
        sluice_cpu = median([r["cpu_s"] / (r["response_bytes"] / 1e9) for r in by["sluice"].values()])
        spread = f" ({min(ratios):.2f}–{max(ratios):.2f})" if ratios else ""
        lines.append(f"| wire_consume_1k_64p{' (failed: ' + '; '.join(failed) + ')' if failed else ''} "
                     f"| {fmt(med('mock', 'msgs_per_s'), ',.0f')} | {fmt(med('sluice', 'msgs_per_s'), ',.0f')} "
                     f"| {fmt(med('sluice', 'MBps'), '.0f')} | {fmt(med('mock', 'records_per_request'), ',.0f')} / "
                     f"{fmt(med('sluice', 'records_per_request'), ',.0f')} | {fmt(sluice_cpu, '.2f')} "
                     f"| **{fmt(median(ratios), '.2f')}**{spread} |")
    return lines, median(ratios), (f" ({min(ratios):.2f}–{max(ratios):.2f})" if ratios else "")


def wire_table(rows):
    lines = ["| workload | broker | request p50 / p99 / p99.9 / max µs | broker CPU % | pacer behind max ms |",
             "|---|---|---:|---:|---:|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['workload']} | {r['broker']} | failed: {r['error']} | | |")
            continue
        seconds = r["request"]["count"] / r["rate_msgs_per_s"]
        quad = " / ".join(fmt(r["request"].get(k), ",.0f") for k in ("p50_us", "p99_us", "p999_us", "max_us"))
        lines.append(f"| {r['workload']} | {r['broker']} | {quad} | {100 * r['cpu_s'] / seconds:.0f} "
                     f"| {r['behind_max_ms']:.1f} |")
    return lines


def targets(summaries, latency, wire, limits, page_cache, wire_fetch):
    """Issue 7's targets, each with the measured value and its verdict."""
    by_name = {t.workload: t for t in summaries}
    lat = {(r["workload"], r["broker"]): r for r in latency if "error" not in r}
    wired = {(r["workload"], r["broker"]): r for r in wire if "error" not in r}

    def lat_value(workload, broker, key):
        return lat.get((workload, broker), {}).get("delivery", {}).get(key)

    def wire_value(workload, broker, key):
        return wired.get((workload, broker), {}).get("request", {}).get(key)

    def spread(t):
        low, high = t.ratio_spread() if t else (None, None)
        return f" ({low:.2f}–{high:.2f})" if low is not None else ""

    p1k, durable, consume = (by_name.get(n) for n in ("produce_1k_acks1_8p", "produce_1k_acksall_8p", "consume_1k_64p"))
    fio_small = limits.get("limit_disk_fdatasync_4KiB", {}).get("fdatasync_p99_us")
    mock_p99 = lat_value("latency_100b_acks1_10k", "mock", "p99_us")
    wire_mock_p99 = wire_value("wire_100b_acks1_10k", "mock", "p99_us")
    fio_goal = f"≤ fio 4 KiB fdatasync p99 + 1 ms ({fmt(fio_small and fio_small + 1000, ',.0f')})"
    # Sluice's CPU per GB beyond what the machine spends writing the same bytes through the
    # page cache in the same repeat (fio), median over the repeats.
    above_floor = None
    if p1k:
        floors = {r["repeat"]: r["cpu_s_per_GB"] for r in page_cache}
        above_floor = median([r["cpu_s_per_GB"] - floors[r["repeat"]] for r in p1k.ok["sluice"]
                              if r["repeat"] in floors])
    checks = [
        ("produce 1 KiB acks=1 8p: Sluice/mock msgs/s", p1k and p1k.ratio_median(), spread(p1k), "≥ 0.90",
         lambda v: v >= 0.90, ".2f"),
        ("produce 1 KiB acks=1 8p: broker CPU core-s/GB", p1k and p1k.median("sluice", "cpu_s_per_GB"), "", "≤ 0.6",
         lambda v: v <= 0.6, ".2f"),
        ("… the same, less the machine's own page-cache write of the same bytes (fio, same repeat)", above_floor,
         "", "≤ 0.6", lambda v: v <= 0.6, ".2f"),
        ("produce 1 KiB acks=all 8p: Sluice MB/s / fio (fdatasync per 1 MiB) MB/s", durable and durable.limit_ratio(),
         "", "≥ 0.80", lambda v: v >= 0.80, ".2f"),
        ("latency 10k msg/s 100 B acks=1: delivery p50 µs", lat_value("latency_100b_acks1_10k", "sluice", "p50_us"),
         "", "≤ 100", lambda v: v <= 100, ",.0f"),
        ("latency 10k msg/s 100 B acks=1: delivery p99 µs", lat_value("latency_100b_acks1_10k", "sluice", "p99_us"),
         "", f"≤ mock's p99 ({fmt(mock_p99, ',.0f')})", lambda v: mock_p99 is not None and v <= mock_p99, ",.0f"),
        ("latency 10k msg/s 100 B acks=all: delivery p99 µs", lat_value("latency_100b_acksall_10k", "sluice", "p99_us"),
         "", fio_goal, lambda v: fio_small is not None and v <= fio_small + 1000, ",.0f"),
        ("broker's own (wire probe) 10k msg/s 100 B acks=1: request p50 µs",
         wire_value("wire_100b_acks1_10k", "sluice", "p50_us"), "", "≤ 100", lambda v: v <= 100, ",.0f"),
        ("broker's own (wire probe) 10k msg/s 100 B acks=1: request p99 µs",
         wire_value("wire_100b_acks1_10k", "sluice", "p99_us"), "", f"≤ mock's p99 ({fmt(wire_mock_p99, ',.0f')})",
         lambda v: wire_mock_p99 is not None and v <= wire_mock_p99, ",.0f"),
        ("broker's own (wire probe) 10k msg/s 100 B acks=all: request p99 µs",
         wire_value("wire_100b_acksall_10k", "sluice", "p99_us"), "", fio_goal,
         lambda v: fio_small is not None and v <= fio_small + 1000, ",.0f"),
        ("consume catch-up 64p: Sluice/mock msgs/s", consume and consume.ratio_median(), spread(consume), "≥ 2.0",
         lambda v: v >= 2.0, ".2f"),
        ("… broker's own fetch rate (wire probe, batch headers only): Sluice/mock msgs/s", wire_fetch[0],
         wire_fetch[1], "≥ 2.0", lambda v: v >= 2.0, ".2f"),
    ]
    lines = ["| target (issue 7) | measured | target | met |", "|---|---:|---|---|"]
    for text, measured, extra, goal, test, spec in checks:
        met = "—" if measured is None else ("yes" if test(measured) else "**no**")
        lines.append(f"| {text} | {fmt(measured, spec)}{extra} | {goal} | {met} |")
    return lines


def write_chart(summaries, path):
    groups = []
    for t in summaries:
        low, high = t.ratio_spread()
        vs_mock = (t.ratio_median(), low, high) if t.ratio_median() is not None else None
        vs_limit = (t.limit_ratio(), None, None) if t.limit_ratio() is not None else None
        groups.append([vs_mock, vs_limit])
    tallest = max([e[0] for g in groups for e in g if e] + [1.0])
    y_max = min(3.0, max(1.5, (int(tallest * 2) + 1) / 2))
    with open(path, "wb") as f:
        f.write(chart.bar_chart(groups, 2, y_max))


def main(results, report, loadavg_before, idle_before, loadavg_after, seconds, commit, repeats, cores):
    rows = [json.loads(line) for line in open(results) if line.strip()]
    limits = {r["workload"]: r for r in rows if r["workload"].startswith("limit_")}
    latency = [r for r in rows if r["workload"].startswith("latency_")]
    wire = [r for r in rows if r["workload"].startswith("wire_") and not r["workload"].startswith("wire_consume")]
    fetch_rows = [r for r in rows if r["workload"].startswith("wire_consume")]
    fetch_lines, fetch_ratio, fetch_spread = wire_fetch_table(fetch_rows)
    page_cache = [r for r in rows if r["workload"] == "limit_page_cache_write"]
    page_cache_cpu = median([r["cpu_s_per_GB"] for r in page_cache])
    page_cache_MBps = median([r["MBps"] for r in page_cache])
    names = list(dict.fromkeys(r["workload"] for r in rows if r["workload"].startswith(("produce_", "consume_"))))
    names.sort(key=lambda n: n.startswith("consume_"))  # produce rows first, consume last (stable)
    summaries = [Throughput(n, [r for r in rows if r["workload"] == n], limits) for n in names]
    loopback = limits.get("limit_loopback_tcp", {}).get("MBps")
    disk, small = limits.get("limit_disk_fdatasync_1MiB", {}), limits.get("limit_disk_fdatasync_4KiB", {})
    png = os.path.splitext(report)[0] + ".png"
    write_chart(summaries, png)
    out = [f"# Sluice vs librdkafka mock vs machine limits — commit {commit}", "",
           f"Machine before the run: load average {loadavg_before}, CPU idle {idle_before} % "
           f"(two 1 s vmstat samples), {cores} cores, shared. After: load average {loadavg_after}. "
           f"Whole run: {seconds} s. Throughput workloads: {repeats} repeats each, alternating which broker "
           "goes first; latency workloads: one run per broker. Only ratios are comparable between runs.", "",
           f"Machine limits in the same run: loopback TCP (iperf3, 1 stream, 5 s) {fmt(loopback, '.0f')} MB/s; "
           f"sequential 1 MiB writes with fdatasync after each (fio) {fmt(disk.get('MBps'), '.0f')} MB/s, "
           f"fdatasync p50/p99 {fmt(disk.get('fdatasync_p50_us'), ',.0f')}/{fmt(disk.get('fdatasync_p99_us'), ',.0f')} µs; "
           f"4 KiB writes with fdatasync after each (fio, 5 s): fdatasync p50/p99/p99.9/max "
           + "/".join(fmt(small.get(k), ",.0f") for k in ("fdatasync_p50_us", "fdatasync_p99_us",
                                                         "fdatasync_p999_us", "fdatasync_max_us")) + " µs; "
           f"buffered 64 KiB writes of the bytes of produce_1k_acks1_8p, no fsync (fio, beside each repeat, "
           f"median): {fmt(page_cache_MBps, '.0f')} MB/s at {fmt(page_cache_cpu, '.2f')} CPU-s/GB.",
           "", "## Throughput", ""]
    out += throughput_table(summaries)
    out += ["", "Client: librdkafka's rdkafka_performance (default producer settings, linger.ms=5), one "
            "process per run. msgs/s, MB/s and CPU s/GB are medians over the repeats; MB/s counts record "
            "payload only (10^6 bytes/s). CPU s/GB: the broker process's utime+stime over the client run "
            "per 10^9 payload bytes. Peak RSS: the largest VmHWM over the repeats, reset before each run. "
            "Sluice/mock: the msgs/s ratio of each repeat (mock and Sluice back to back), median and range. "
            "Sluice/limit divides by loopback TCP, or by fio (1 MiB + fdatasync) for acks=all. Every produce "
            "run (and the fio page-cache run) starts right after the page cache took and gave back as many "
            "bytes as the run writes (run.sh warm_memory): the steady state of a machine whose page cache "
            "recycles, not a fresh VM's first touch of its memory (docs/performance.md).", "",
            f"![Sluice/mock (blue, with min–max) and Sluice/limit (orange) per workload; red line: 1.0]"
            f"({os.path.basename(png)})", "",
            "Chart: bars numbered as the # column; blue Sluice/mock msgs/s (whisker: min–max over the "
            "repeats), orange Sluice/limit MB/s, red line at 1.0; a red cap marks a bar clipped at the top.",
            "", "## Latency at a fixed rate", ""]
    out += latency_table(latency)
    out += ["", "Client: bench/compare/latency_client.c, one producer paced to the rate (linger.ms=0), 1 s "
            "warm-up dropped; these runs come before the throughput runs. Delivery: produce() call to "
            "delivery report, producer alone. End-to-end: produce() call to a consumer in the same process "
            "(librdkafka defaults, fetch.wait.max.ms=500) receiving the record, a second run, Sluice only; "
            "broker CPU and the other columns are from the producer-alone run. Percentiles are exact (every "
            "sample kept). msgs/s kept: records the pacer sent in the measured window per second; pacer "
            "behind: how late the pacer got against its schedule (the machine or the broker's back-pressure). "
            "No end-to-end figure for the mock: when its Fetch has nothing to return, it waits the whole "
            "fetch.wait.max.ms without waking on a produce (librdkafka "
            "src/rdkafka_mock_handlers.c); serving a consumer at 10k batches/s also takes its one thread "
            "(delivery p50 went from ~1 ms to 40 ms with a consumer beside the producer).",
            "", "## The broker's own latency (wire probe)", ""]
    out += wire_table(wire)
    out += ["", "Client: bench/compare/wire_latency.c: one TCP connection, Produce v3 requests of one batch "
            "of one record, partitions in turn, paced to the rate and pipelined (a slow answer does not hold "
            "back the next request), 1 s warm-up dropped; latency from write(2) of the request to read(2) "
            "of its response: the broker's work plus two loopback hops, without librdkafka's thread "
            "hand-offs (which put ~200 µs under every delivery p50 above, the mock's too).", ""]
    out += fetch_lines
    out += ["", "Catch-up reads on the wire: `wire_latency -F`, Fetch v4 for all 64 partitions from offset 0 "
            "(1 MiB per partition, 64 MiB per response, one request at a time), reading the topic 10 times "
            "over and walking only batch headers; same repeats as consume_1k_64p, right after it. "
            "rdkafka_performance's consumer parses every record and is CPU-bound near the mock's rate.",
            "", "## Issue 7 targets", ""]
    out += targets(summaries, latency, wire, limits, page_cache, (fetch_ratio, fetch_spread))
    out += ["", "Not measured: 100 B acks=1 at 100 partitions, 100 B acks=all at 1 and 100 partitions, "
            "1 KiB acks=all at 1 partition (left out to keep the run under 10 minutes); latency runs are "
            "single runs, not repeated."]
    with open(report, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
