#!/usr/bin/python3
"""Publish-to-delivery latency through a private mosquitto, every client side by side.

    /usr/bin/python3 bench/scripts/latency.py --build-dir build/release --output latency.md
    /usr/bin/python3 bench/scripts/latency.py --smoke --output /tmp/latency.md

Each client (bench_clients.LATENCY_CLIENTS) connects once, subscribes to a topic of its own
and publishes timestamped messages to it (CLOCK_MONOTONIC, same host): at a fixed rate paced by
absolute deadlines (each message carries its due time, so a late publish counts) and at
saturation (as fast as the client goes with at most --window messages on their way). Per client
and QoS: p50 / p99 / p99.9 in microseconds, the median over K runs (the order of clients rotates
each run), and each percentile as a ratio to the best client's. Every cell runs against
mosquitto as configured by default (Nagle's algorithm on: a client that delays its TCP ACKs
waits up to 40 ms for messages sent to it) and with `set_tcp_nodelay true`. Standard library
only.
"""

import argparse
import datetime
import json
import os
import statistics
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
import bench_clients  # noqa: E402
import benchlib  # noqa: E402

PERCENTILES = (("p50_us", "p50"), ("p99_us", "p99"), ("p999_us", "p99.9"))


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build-dir", action="append",
                   help="where to look for the programs (default: <repo>/build/release)")
    p.add_argument("--output", default="latency.md", help="Markdown file to write")
    p.add_argument("--json", help="also write every single run as JSON here")
    p.add_argument("--runs", type=int, default=3, help="runs per client and cell (K)")
    p.add_argument("--qos", default="0,1,2")
    p.add_argument("--rate", type=int, default=1000, help="msgs/s of the paced runs")
    p.add_argument("--rate-count", type=int, default=5000,
                   help="messages per paced run (5 s at 1,000 msgs/s)")
    p.add_argument("--saturation-count", type=int, default=20000,
                   help="messages per saturation run")
    p.add_argument("--window", type=int, default=100,
                   help="most messages on their way at saturation")
    p.add_argument("--size", type=int, default=16, help="payload bytes (at least 8)")
    p.add_argument("--version", default="311", choices=["311", "5"])
    p.add_argument("--brokers", default="default,nodelay",
                   help="mosquitto configurations: default (Nagle on) and/or nodelay")
    p.add_argument("--clients", help="comma-separated subset of client names")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    p.add_argument("--smoke", action="store_true", help="tiny counts, one run, seconds")
    args = p.parse_args()
    args.build_dir = args.build_dir or [os.path.join(repo, "build", "release")]
    if args.smoke:
        args.runs, args.rate_count, args.saturation_count = 1, 200, 500
        args.brokers = "default"
    return args


def select_clients(args):
    return benchlib.select_clients(list(bench_clients.LATENCY_CLIENTS), args.clients,
                                   args.build_dir)


def cells_of(args, broker):
    """(label, rate, count, qos, broker): the paced runs first, then saturation."""
    for rate, count in ((args.rate, args.rate_count), (0, args.saturation_count)):
        for qos in (int(x) for x in args.qos.split(",")):
            yield (f"{rate:,} msgs/s" if rate else "saturation", rate, count, qos, broker)


def run_cell(args, clients, cell, broker):
    _, rate, count, qos, _ = cell
    peer_args = benchlib.peer_arguments(broker.port, count, args.size, qos, args.window,
                                        args.version, "bench/latency") + ["--rate", str(rate)]
    results = {name: [] for name, _ in clients}
    for round_index in range(args.runs):
        shift = round_index % len(clients)
        for name, command in clients[shift:] + clients[:shift]:
            try:
                r = benchlib.run_peer(command, peer_args, args.timeout, broker.pid)
            except RuntimeError as e:
                r = str(e)
                print(f"  {name}: FAILED {e}", file=sys.stderr)
            results[name].append(r)
    return results


def summarize(results):
    """{client: {p50_us, p99_us, p999_us, msgs_per_s, cpu_us_per_msg, runs}} (medians)."""
    table = {}
    for name, runs in results.items():
        ok = [r for r in runs if isinstance(r, dict)]
        if not ok:
            continue
        row = {key: statistics.median(r[key] for r in ok) for key, _ in PERCENTILES}
        row["msgs_per_s"] = statistics.median(r["msgs_per_s"] for r in ok)
        row["cpu_us_per_msg"] = statistics.median(
            (r["cpu_user_s"] + r["cpu_sys_s"]) / r["msgs"] * 1e6 for r in ok)
        row["runs"] = len(ok)
        table[name] = row
    return table


def table_lines(cells):
    """Markdown rows: one per (cell, client), each percentile with its ratio to the best."""
    lines = ["| mosquitto | load | QoS | client | p50 us | p99 us | p99.9 us | msgs/s | "
             "client CPU us / msg |", "|---|---|---:|---|---:|---:|---:|---:|---:|"]
    for (label, _, _, qos, broker), table in cells:
        best = {key: min((row[key] for row in table.values()), default=0)
                for key, _ in PERCENTILES}
        for name, row in table.items():
            cells_text = []
            for key, _ in PERCENTILES:
                ratio = row[key] / best[key] if best[key] > 0 else 1.0
                cells_text.append(f"{row[key]:,.0f} ({ratio:.2f}x)")
            lines.append(f"| {broker} | {label} | {qos} | {name} | " + " | ".join(cells_text) +
                         f" | {row['msgs_per_s']:,.0f} | {row['cpu_us_per_msg']:.1f} |")
    return lines


def write_markdown(path, args, clients, cells):
    lines = ["# Publish-to-delivery latency through mosquitto", "",
             f"- date: {datetime.datetime.now().isoformat(timespec='seconds')}; "
             f"{os.cpu_count()} CPUs, load average at the end "
             f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}",
             f"- MQTT {'3.1.1' if args.version == '311' else '5'}, {args.size} B payload, "
             f"one client publishing to its own subscription; paced runs: {args.rate:,} msgs/s, "
             f"{args.rate_count:,} messages; saturation: {args.saturation_count:,} messages, "
             f"at most {args.window} on their way",
             f"- median of {args.runs} runs per client and cell, clients rotated each run; "
             "(x) is the ratio to the best client at that percentile (1.00x = the best)",
             ""]
    for name, command in clients:
        lines.append(f"  - {name}: `{' '.join(command)}`")
    lines += [""] + table_lines(cells)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    args = parse_args()
    clients = select_clients(args)
    if not clients:
        sys.exit("no latency programs found; build bench/peers first")
    cells, raw = [], []
    for config in args.brokers.split(","):
        broker = benchlib.Mosquitto(nodelay=(config == "nodelay"))
        try:
            for cell in cells_of(args, config):
                print(f"latency {config} {cell[0]} qos={cell[3]}", file=sys.stderr)
                results = run_cell(args, clients, cell, broker)
                raw.append({"cell": list(cell), "results": results})
                cells.append((cell, summarize(results)))
                write_markdown(args.output, args, clients, cells)  # partial results survive
        finally:
            broker.close()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
