#!/usr/bin/env python3
"""Prints the benchmark table from one or more results/bench-*.jsonl files.

    scripts/bench/table.py results/bench-A.jsonl [results/bench-B.jsonl ...]

One row per scenario and figure; one column per server, in the order they ran (SecureChat
run with bench.sh --io-threads N is a column of its own, "securechat ioN", and so is
SecureChat with its history log off, "securechat history-off", and its storm's floor,
"securechat floor", where the storm went to a second server, and SecureChat with a
filter, "securechat filter"); then, for each SecureChat
column and each peer (a history-off or floor column counts as one), the ratio SecureChat / peer
(for a "lower is better" figure, above 1 means SecureChat is worse). A scenario run several times shows each
figure's median, except lost, duplicated, reordered and failed (the worst run) and
connections held or admitted (the worst). Notes give the generator's CPUs and the range
of the 1-minute load average at the start of the runs.
"""
import json
import statistics
import sys

# Figures where one bad run must show, not be outvoted by good ones.
WORST = {
    "lost": max, "duplicated": max, "reordered": max, "failed": max, "succeeded": min,
    "admitted": min, "admission_failed": max, "stored_lost": max, "messages_min": min,
}


def latency(key, label, unit, percentiles=("p50", "p99", "max")):
    """Rows for KEY_p50, KEY_p99 and KEY_max, labelled "LABEL p50 UNIT" and so on."""
    return [(f"{key}_{p}", f"{label} {p} {unit}", "lower") for p in percentiles]


# history and history-max: S senders, each waiting for its own echo (after the commit).
HISTORY_FIGURES = [
    ("stored_per_second", "stored messages/s", "higher"),
    *latency("latency_us", "echo latency", "µs"),
    ("server_cpu_ns_per_delivery", "server CPU ns/message", "lower"),
    ("stored_lost", "sent but not stored", "lower"),
    ("lost", "echoes lost", "lower"),
    ("rate", "offered rate", None),
]

# What went astray between sender and receiver: fanout, privmsg and storm count it alike.
LOSS_FIGURES = [
    ("lost", "lost", "lower"),
    ("duplicated", "duplicated", "lower"),
    ("reordered", "reordered", "lower"),
]

# fanout and privmsg report the same figures about their deliveries.
DELIVERY_FIGURES = [
    ("deliveries_per_second", "deliveries/s", "higher"),
    *latency("latency_us", "latency", "µs"),
    ("server_cpu_ns_per_delivery", "server CPU ns/delivery", "lower"),
    *LOSS_FIGURES,
    ("window", "window", None),
]

FIGURES = {
    "handshake": [
        ("handshakes_per_second", "handshakes/s", "higher"),
        *latency("latency_us", "latency", "µs", ("p50", "p99")),
        ("server_cpu_us_per_handshake", "server CPU µs/handshake", "lower"),
        ("failed", "failed", "lower"),
    ],
    "hold": [
        ("succeeded", "connections held", "higher"),
        ("server_rss_kib_per_connection", "server RSS KiB/connection", "lower"),
        ("server_cpu_us_per_connection", "server CPU µs/connection", "lower"),
        ("connect_all_seconds", "time to connect all s", "lower"),
    ],
    "fanout": DELIVERY_FIGURES,
    "privmsg": DELIVERY_FIGURES,
    "storm": [
        *latency("quiet_latency_us", "chat latency quiet", "µs"),
        *latency("storm_latency_us", "chat latency storm", "µs"),
        *latency("after_latency_us", "chat latency after", "µs", ("p99",)),
        ("admit_all_seconds", "time to admit all s", "lower"),
        *latency("admission_latency_ms", "admission latency", "ms", ("p50", "p99")),
        ("admitted", "admitted", "higher"),
        ("admission_failed", "admissions failed", "lower"),
        ("server_cpu_us_per_admission", "server CPU µs/admission", "lower"),
        ("chat_send_lag_ms_max", "generator send lag max ms", None),
        *LOSS_FIGURES,
    ],
    "history": HISTORY_FIGURES,
    "history-max": HISTORY_FIGURES,
    "chathistory": [
        *latency("latency_ms", "LATEST 100 latency", "ms"),
        ("messages_min", "fewest messages in an answer", None),
        ("server_cpu_us_per_query", "server CPU µs/query", "lower"),
    ],
}


def number(value):
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def aggregate(key, lines):
    """The figure over every run of a scenario: the median, or the worst for WORST keys."""
    values = [line.get(key) for line in lines if line.get(key) is not None]
    if not values:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return values[-1]
    if key in WORST:
        return WORST[key](values)
    return statistics.median(values)


def column(line):
    """The column a result goes in: its server, SecureChat's I/O threads when set,
    whether its history log was off, whether it ran an offensive-text filter, and whether a
    storm went to a second server (floor)."""
    name = line.get("server")
    threads = line.get("server_io_threads")
    if threads is not None:
        name = f"{name} io{threads}"
    if line.get("server_history") == "off":
        name = f"{name} history-off"
    if line.get("server_filter") == "on":
        name = f"{name} filter"
    if line.get("storm_port") is not None:
        name = f"{name} floor"
    return name


def main(paths):
    lines = [json.loads(line) for path in paths for line in open(path) if line.strip()]
    servers = []
    results = {}
    for line in lines:
        scenario, server = line.get("scenario"), column(line)
        if scenario not in FIGURES:
            continue
        if server not in servers:
            servers.append(server)
        results.setdefault((scenario, server), []).append(line)
    ours = [s for s in servers if s.split(" ")[0] == "securechat" and not s.endswith((" history-off", " floor"))]
    # With a filter, its runs are compared with the runs without it, and with the peers.
    ours = [s for s in ours if s.endswith(" filter")] or ours
    peers = [s for s in servers if s not in ours]
    pairs = [(o, p) for o in ours for p in peers]
    header = ["scenario", "figure"] + servers + [f"{o}/{p}" for o, p in pairs]
    rows = []
    for scenario, figures in FIGURES.items():
        if not any((scenario, s) in results for s in servers):
            continue
        for key, label, direction in figures:
            row = [scenario, label]
            values = {s: aggregate(key, results.get((scenario, s), [])) for s in servers}
            row += [number(values[s]) for s in servers]
            for mine, peer in pairs:
                a, b = values.get(mine), values.get(peer)
                ok = isinstance(a, (int, float)) and isinstance(b, (int, float)) and b
                row.append(f"{a / b:.2f}" if ok and direction and not isinstance(a, bool) else "—")
            rows.append(row)
        notes = []
        for s in servers:
            lines = results.get((scenario, s), [])
            if len(lines) > 1:
                notes.append(f"{s}: median of {len(lines)} runs")
            if any(line.get("generator_saturated") for line in lines):
                notes.append(f"{s}: generator saturated")
            cpus = sorted({line["generator_cpus"] for line in lines if "generator_cpus" in line})
            if cpus:
                notes.append(f"{s}: generator on CPUs {', '.join(cpus)}")
            loads = [line["load_average_1m"] for line in lines if "load_average_1m" in line]
            if loads:
                notes.append(f"{s}: load average (1 min) {min(loads):.2f}–{max(loads):.2f}")
            if any(line.get("timed_out") for line in lines):
                notes.append(f"{s}: timed out")
            for line in lines:
                if line.get("error") or line.get("first_error"):
                    notes.append(f"{s}: {line.get('error') or line.get('first_error')}"[:120])
        for note in notes:
            rows.append([scenario, "note: " + note] + [""] * (len(header) - 2))
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    def show(row):
        return "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
    print(show(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(show(row))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
