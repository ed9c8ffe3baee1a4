#!/usr/bin/python3
"""Resident memory per idle connection on one shared loop, several builds side by side.

    /usr/bin/python3 bench/scripts/idle_compare.py --connections 10000 \\
        --client before=/path/to/main/build/release/bench/peers/portmqtt_idle \\
        --client after=build/release/bench/peers/portmqtt_idle

Each run starts `portmqtt_idle --connections N` (N clients on one EventLoop with one thread)
against one private mosquitto (descriptor limit raised to N + 1024); the programs take turns,
the first of each round rotating, and each cell is the median of --runs. Besides the
program's own figure ((VmRSS idle - VmRSS before the first client) / N), /proc/PID/smaps is
read during the idle spell: resident KiB per connection in the main heap and in the other
anonymous mappings. Standard library only.
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
import benchlib  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--client", action="append", default=[], metavar="NAME=PROGRAM",
                   required=True, help="a portmqtt_idle program to measure")
    p.add_argument("--connections", type=int, default=10000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--output", help="also write the Markdown table here")
    return p.parse_args()


def anonymous_kib(pid):
    """Resident KiB of the main heap and of the other anonymous mappings."""
    kinds = {"heap": 0, "anon": 0}
    kind = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$", line)
            if head:
                name = head.group(3).strip()
                kind = "heap" if name == "[heap]" else "anon" if name == "" else None
            elif line.startswith("Rss:") and kind is not None:
                kinds[kind] += int(line.split()[1])
    return kinds


def run_once(program, port, n):
    """(JSON line of the program, smaps KiB by kind during the idle spell) of one run."""
    process = subprocess.Popen([program, "--port", str(port), "--connections", str(n),
                                "--idle-seconds", "4"], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)
        # The program prints once idle; smaps is read in the middle of its idle spell.
        deadline = time.monotonic() + 120
        kinds = None
        while process.poll() is None and time.monotonic() < deadline:
            with open(f"/proc/{process.pid}/status") as f:
                status = f.read()
            # Idle: the resident set stopped growing for a second.
            rss = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))
            time.sleep(1.0)
            with open(f"/proc/{process.pid}/status") as f:
                again = int(re.search(r"^VmRSS:\s+(\d+)", f.read(), re.M).group(1))
            if again == rss and rss > 0:
                kinds = anonymous_kib(process.pid)
                break
        out, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            benchlib.stop(process)
    if process.returncode != 0:
        raise RuntimeError(f"exit {process.returncode}")
    return json.loads(out.strip().splitlines()[-1]), kinds or {"heap": 0, "anon": 0}


def main():
    args = parse_args()
    clients = [tuple(entry.split("=", 1)) for entry in args.client]
    wanted = args.connections + 1024
    benchlib.raise_fd_limit(wanted)
    results = {name: [] for name, _ in clients}
    broker = benchlib.Mosquitto()
    try:
        for round_no in range(args.runs):
            for name, program in benchlib.rotated(clients, round_no):
                report, kinds = run_once(program, broker.port, args.connections)
                results[name].append((report["kib_per_connection"], kinds))
                print(f"{name} run {round_no + 1}: {report['kib_per_connection']:.2f} KiB per "
                      f"connection", file=sys.stderr)
    finally:
        broker.close()
    n = args.connections
    lines = [f"Idle connections on one shared loop: {n}, median of {args.runs} runs (KiB per "
             f"connection; heap and other anonymous memory from /proc/PID/smaps of the median "
             f"run)", "",
             "| client | KiB per connection | runs | main heap | other anonymous |",
             "|---|---:|---|---:|---:|"]
    for name, _ in clients:
        runs = results[name]
        ordered = sorted(runs, key=lambda r: r[0])
        _, kinds = ordered[len(ordered) // 2]
        lines.append(f"| {name} | {statistics.median(r[0] for r in runs):.2f} | "
                     f"{', '.join(f'{r[0]:.2f}' for r in runs)} | {kinds['heap'] / n:.2f} | "
                     f"{kinds['anon'] / n:.2f} |")
    benchlib.print_table(lines, args.output)


if __name__ == "__main__":
    main()
