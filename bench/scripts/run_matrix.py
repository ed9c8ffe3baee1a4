#!/usr/bin/python3
"""Runs every client over payload x QoS x broker and writes a Markdown table.

    /usr/bin/python3 bench/scripts/run_matrix.py --build-dir build/release --output results.md
    /usr/bin/python3 bench/scripts/run_matrix.py --smoke --output /tmp/smoke.md

Each cell runs every client K times; the order of clients rotates every round so that slow
drift (thermal, other load) hits all clients alike. The table shows the median and range of
msgs/s, CPU seconds per million messages (user + system, whole process), peak RSS, the
broker's CPU use during the run (a sink near 100% would mean the sink, not the client, is
the bottleneck), and the ratio to the reference client. Standard library only.

A publishing client whose run ends in less than --min-seconds is timed again with as many
messages as that time needs, and keeps that count for the cell: a run of a few tens of
milliseconds measures thread start-up, page faults and TCP slow start more than publishing.
The rate is per second either way; the table lists the counts that were raised.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
import bench_clients  # noqa: E402
import benchlib  # noqa: E402

DEFAULT_COUNTS = {0: 200_000, 1: 50_000, 2: 20_000}
SMOKE_COUNTS = {0: 2_000, 1: 1_000, 2: 500}
# A raised count: enough messages for this many times --min-seconds at the measured rate, at
# most this many times the default count.
RAISE_MARGIN = 1.5
RAISE_CAP = 50


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build-dir", action="append",
                   help="where to look for the programs (default: <repo>/build/release, "
                        "the preset that builds bench/)")
    p.add_argument("--output", default="bench_results.md", help="Markdown file to write")
    p.add_argument("--json", help="also write every single run as JSON here")
    p.add_argument("--runs", type=int, default=5, help="runs per client and cell (K)")
    p.add_argument("--payloads", default="16,1024")
    p.add_argument("--qos", default="0,1,2")
    p.add_argument("--brokers", default="sink,mosquitto", help="sink and/or mosquitto")
    p.add_argument("--modes", default="pub",
                   help="pub and/or recv (recv floods the client from the sink only)")
    p.add_argument("--version", default="311", choices=["311", "5"])
    p.add_argument("--window", type=int, default=1000)
    p.add_argument("--count", type=int, help="messages per run for every QoS")
    p.add_argument("--clients", help="comma-separated subset of the built-in client names "
                                      "(those added with --client always run)")
    p.add_argument("--client", action="append", default=[], metavar="NAME=COMMAND",
                   help="an extra client, e.g. portmqtt='portmqtt bench'")
    p.add_argument("--reference", default=bench_clients.REFERENCE)
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    p.add_argument("--min-seconds", type=float, default=0.5,
                   help="a publishing run shorter than this is timed again with more "
                        "messages (0: never; not with --count or --smoke)")
    p.add_argument("--smoke", action="store_true", help="tiny counts, one run, seconds")
    args = p.parse_args()
    args.build_dir = args.build_dir or [os.path.join(repo, "build", "release")]
    if args.smoke:
        args.runs = 1
    if args.smoke or args.count:
        args.min_seconds = 0.0
    return args


def select_clients(args):
    return benchlib.select_clients(bench_clients.CLIENTS, args.clients, args.build_dir,
                                   args.client)


def count_for(args, qos):
    if args.count:
        return args.count
    return (SMOKE_COUNTS if args.smoke else DEFAULT_COUNTS)[qos]


def raised_count(count, seconds, min_seconds):
    """Messages for a run of about RAISE_MARGIN x min_seconds, given one of `count` messages
    that took `seconds`; rounded up to a thousand."""
    wanted = count * RAISE_MARGIN * min_seconds / max(seconds, 1e-3)
    wanted = min(wanted, count * RAISE_CAP)
    return max(count, int(-(-wanted // 1000) * 1000))


def run_cell(args, clients, cell, port, broker_pid):
    """Runs K rounds of every client in one cell.

    Returns ({client: [result or error str]}, {client: messages per run}).
    """
    mode, broker, payload, qos = cell
    default_count = count_for(args, qos)
    counts = {name: default_count for name, _ in clients}
    results = {name: [] for name, _ in clients}

    def run(name, command):
        peer_args = benchlib.peer_arguments(port, counts[name], payload, qos, args.window,
                                            args.version, "bench/matrix",
                                            recv=(mode == "recv"))
        try:
            return benchlib.run_peer(command, peer_args, args.timeout, broker_pid)
        except RuntimeError as e:
            print(f"  {name}: FAILED {e}", file=sys.stderr)
            return str(e)

    for round_index in range(args.runs):
        shift = round_index % len(clients)
        for name, command in clients[shift:] + clients[:shift]:
            r = run(name, command)
            # Only the first run of a client can be too short: its count is then raised for
            # this run and the rest of the cell (the sink floods a fixed count for recv).
            too_short = (mode == "pub" and args.min_seconds > 0 and isinstance(r, dict)
                         and round_index == 0 and r["seconds"] < args.min_seconds)
            if too_short:
                counts[name] = raised_count(counts[name], r["seconds"], args.min_seconds)
                print(f"  {name}: {r['seconds']:.3f} s, again with {counts[name]:,} messages",
                      file=sys.stderr)
                r = run(name, command)
            results[name].append(r)
    return results, counts


def summarize(runs, reference_rate):
    ok = [r for r in runs if isinstance(r, dict)]
    if not ok:
        return None
    rates = [r["msgs_per_s"] for r in ok]
    cpu = [(r["cpu_user_s"] + r["cpu_sys_s"]) / r["msgs"] * 1e6 for r in ok]
    broker = [100.0 * r.get("broker_cpu_s", 0.0) / r["seconds"] for r in ok if r["seconds"] > 0]
    median = statistics.median(rates)
    return {
        "median": median, "min": min(rates), "max": max(rates),
        "cpu_per_m": statistics.median(cpu),
        "rss": statistics.median(r["max_rss_kib"] for r in ok),
        "broker_cpu": statistics.median(broker) if broker else 0.0,
        "ratio": median / reference_rate if reference_rate else None,
        "failed": len(runs) - len(ok),
    }


def cells_of(args):
    payloads = [int(x) for x in args.payloads.split(",")]
    qoses = [int(x) for x in args.qos.split(",")]
    for mode in args.modes.split(","):
        for broker in args.brokers.split(","):
            if mode == "recv" and broker != "sink":
                continue  # only the sink can generate the traffic to receive
            for payload in payloads:
                for qos in qoses:
                    yield (mode, broker, payload, qos)


def run_broker_cells(args, clients, mode, broker, cells, sink_program, raw):
    """Runs the cells of one (mode, broker); yields (cell, results)."""
    if broker == "mosquitto":
        server = benchlib.Mosquitto()
    elif mode == "pub":
        server = benchlib.Sink(sink_program)
    else:
        server = None  # one flooding sink per cell, started below
    try:
        for cell in cells:
            _, _, payload, qos = cell
            cell_server = server or benchlib.Sink(
                sink_program, flood=(qos, count_for(args, qos), payload, "bench/matrix"))
            try:
                print(f"{mode} {broker} payload={payload} qos={qos}", file=sys.stderr)
                results, counts = run_cell(args, clients, cell, cell_server.port,
                                           cell_server.pid)
            finally:
                if server is None:
                    cell_server.close()
            raw.append({"cell": cell, "results": results, "counts": counts})
            yield cell, results, counts
    finally:
        if server is not None:
            summary = server.close()
            if summary:
                print(f"sink summary: {json.dumps(summary)}", file=sys.stderr)


def format_rate(x):
    return f"{x:,.0f}"


def write_markdown(path, args, clients, table):
    lines = ["# MQTT client benchmark", ""]
    lines.append(f"- date: {datetime.datetime.now().isoformat(timespec='seconds')}")
    lines.append(f"- host: {platform.node()}, {platform.platform()}, {os.cpu_count()} CPUs")
    lines.append(f"- MQTT {'3.1.1' if args.version == '311' else '5'}, window {args.window}, "
                 f"{args.runs} runs per cell, clients rotated each round")
    counts = ", ".join(f"QoS {q}: {count_for(args, q):,}" for q in (0, 1, 2))
    lines.append(f"- messages per run: {counts}")
    if args.min_seconds > 0:
        lines.append(f"- a publishing client whose first run took less than {args.min_seconds} s "
                     "ran again with more messages, counted for the whole cell (listed "
                     "under each table)")
    lines.append(f"- clients: {', '.join(name for name, _ in clients)}; "
                 f"ratio is to {args.reference} (median msgs/s)")
    lines.append(f"- load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, command in clients:
        lines.append(f"  - {name}: `{' '.join(command)}`")
    lines.append("")
    current = None
    raised = []  # (payload, QoS, client, count) of the current table

    def end_table():
        if raised:
            lines.append("")
            lines.append("Messages per run raised for: " + "; ".join(
                f"{name} {payload} B QoS {qos}: {count:,}" for payload, qos, name, count in raised))
            raised.clear()

    for (mode, broker, payload, qos), rows, counts in table:
        if (mode, broker) != current:
            end_table()
            current = (mode, broker)
            lines += ["", f"## {mode} via {broker}", "",
                      "| payload | QoS | client | msgs/s (median) | min | max | "
                      "CPU s / M msgs | max RSS KiB | broker CPU % | ratio |",
                      "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, s in rows:
            if counts.get(name, 0) > count_for(args, qos):
                raised.append((payload, qos, name, counts[name]))
            if s is None:
                lines.append(f"| {payload} | {qos} | {name} | failed | | | | | | |")
                continue
            ratio = f"{s['ratio']:.2f}" if s["ratio"] is not None else "-"
            failed = f" ({s['failed']} failed)" if s["failed"] else ""
            lines.append(
                f"| {payload} | {qos} | {name} | {format_rate(s['median'])}{failed} | "
                f"{format_rate(s['min'])} | {format_rate(s['max'])} | {s['cpu_per_m']:.2f} | "
                f"{s['rss']:,.0f} | {s['broker_cpu']:.0f} | {ratio} |")
    end_table()
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    args = parse_args()
    clients = select_clients(args)
    if not clients:
        sys.exit("no client programs found; build bench/peers first")
    sink_program = benchlib.find_program("portmqtt-sink", args.build_dir)
    cells = list(cells_of(args))
    table, raw = [], []
    groups = []
    for cell in cells:
        key = cell[:2]
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(cell)
    for (mode, broker), group in groups:
        for cell, results, counts in run_broker_cells(args, clients, mode, broker, group,
                                                      sink_program, raw):
            reference = summarize(results.get(args.reference, []), None)
            reference_rate = reference["median"] if reference else None
            rows = [(name, summarize(results[name], reference_rate)) for name, _ in clients]
            table.append((cell, rows, counts))
            write_markdown(args.output, args, clients, table)  # partial results survive
    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
