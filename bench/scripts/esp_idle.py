#!/usr/bin/python3
"""Resident memory per idle client in the ESP-MQTT model, and where it lies.

    /usr/bin/python3 bench/scripts/esp_idle.py --build-dir build/release --connections 1000
    # two builds side by side (rotated each round, median of --runs):
    /usr/bin/python3 bench/scripts/esp_idle.py --client before=/tmp/portmqtt_esp_idle \\
        --client after=build/release/bench/peers/portmqtt_esp_idle

Each run starts `portmqtt_esp_idle --connections N` (N clients made with esp_mqtt_client_init()
and started, each on its own loop thread) against one private mosquitto, waits until every
loop thread exists and the clients have connected, and reads /proc/PID/smaps during the idle
spell: resident KiB per client in the thread stacks (the mappings of the loop threads' stack
size), the main heap, the other anonymous mappings (glibc's per-thread malloc arenas) and
files (library code, shared by all clients), and how deep the loop threads' stacks have been
(touched pages per thread; the lowest byte ever written, in bytes from the top of the stack
mapping, for the deepest and the median thread). The program's own JSON line gives the total:
(VmRSS idle - VmRSS before the first client) / N. Standard library only.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
import benchlib  # noqa: E402

# The loop thread's stack: ESP's default task.stack_size (6144) raised to portmqtt's 64 KiB
# minimum (src/client/loop_thread.hpp).
STACK_KIB = 64


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build-dir", action="append",
                   help="where to find portmqtt_esp_idle (default: <repo>/build/release)")
    p.add_argument("--client", action="append", default=[], metavar="NAME=PROGRAM",
                   help="a program to measure (default: portmqtt_esp_idle of the build)")
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--stack-kib", type=int, default=STACK_KIB,
                   help="size of the loop threads' stack mappings, to recognise them")
    p.add_argument("--output", help="also write the Markdown table here")
    args = p.parse_args()
    args.build_dir = args.build_dir or [os.path.join(repo, "build", "release")]
    return args


def thread_count(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"^Threads:\s+(\d+)", f.read(), re.M).group(1))


def smaps_kib(pid, stack_kib):
    """Resident KiB by kind of mapping: stacks, heap, arenas (other anonymous), files."""
    kinds = {"stacks": 0, "heap": 0, "arenas": 0, "files": 0}
    kind = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$", line)
            if head:
                size_kib = (int(head.group(2), 16) - int(head.group(1), 16)) // 1024
                name = head.group(3).strip()
                if name == "[heap]":
                    kind = "heap"
                elif name.startswith("/"):
                    kind = "files"
                elif name == "":
                    kind = "stacks" if size_kib == stack_kib else "arenas"
                else:
                    kind = None  # [stack] of the main thread, [vdso], ...
            elif line.startswith("Rss:") and kind is not None:
                kinds[kind] += int(line.split()[1])
    return kinds


def stack_depths(pid, stack_kib):
    """Bytes from the top of each loop thread's stack mapping to the lowest byte ever written
    there: how deep the thread has been. Only resident pages are read (/proc/PID/pagemap), so
    reading changes no page's residence."""
    depths = []
    page = 4096
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pagemap, \
            open(f"/proc/{pid}/mem", "rb") as mem:
        for line in maps:
            fields = line.split()
            if len(fields) > 5:
                continue  # named mappings are not thread stacks
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if (end - start) // 1024 != stack_kib:
                continue
            lowest = None
            for addr in range(start, end, page):
                pagemap.seek(addr // page * 8)
                if not int.from_bytes(pagemap.read(8), "little") >> 63:
                    continue  # not resident
                mem.seek(addr)
                data = mem.read(page).lstrip(b"\0")
                if data:
                    lowest = addr + page - len(data)
                    break
            if lowest is not None:
                depths.append(end - lowest)
    return depths


def run_once(program, port, n, stack_kib):
    """(JSON line of the program, smaps KiB by kind) of one run."""
    process = subprocess.Popen([program, "--port", str(port), "--connections", str(n),
                                "--idle-seconds", "4"], stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while thread_count(process.pid) < n + 1:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the clients did not start")
            time.sleep(0.1)
        time.sleep(2)  # connected and idle: the program itself reads VmRSS after 4 s
        kinds = smaps_kib(process.pid, stack_kib)
        depths = stack_depths(process.pid, stack_kib)
        kinds["deepest"] = max(depths, default=0)
        kinds["depth_median"] = statistics.median(depths) if depths else 0
        out, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            benchlib.stop(process)
    if process.returncode != 0:
        raise RuntimeError(f"exit {process.returncode}")
    return json.loads(out.strip().splitlines()[-1]), kinds


def main():
    args = parse_args()
    clients = []
    for entry in args.client:
        name, _, program = entry.partition("=")
        clients.append((name, program))
    if not clients:
        clients = [("portmqtt_esp_idle",
                    benchlib.find_program("portmqtt_esp_idle", args.build_dir))]
    # Every client takes several descriptors (socket, epoll, eventfd, timerfd), as does the
    # broker's side of each connection.
    wanted = args.connections * 6 + 1024
    benchlib.raise_fd_limit(wanted)
    results = {name: [] for name, _ in clients}
    broker = benchlib.Mosquitto()
    try:
        for round_no in range(args.runs):
            for name, program in benchlib.rotated(clients, round_no):
                report, kinds = run_once(program, broker.port, args.connections, args.stack_kib)
                results[name].append((report["kib_per_connection"], kinds, report))
                print(f"{name} run {round_no + 1}: {report['kib_per_connection']:.2f} KiB "
                      f"per client", file=sys.stderr)
    finally:
        broker.close()
    n = args.connections
    lines = [f"Idle ESP clients: {n} connections, median of {args.runs} runs "
             f"(KiB per client; the kinds from /proc/PID/smaps of the median run)", "",
             "| client | KiB per client | min | max | stacks | main heap | malloc arenas "
             "| files | threads at idle | stack pages | deepest stack (median; bytes from the top) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, _ in clients:
        runs = sorted(results[name], key=lambda r: r[0])
        per_client, kinds, report = runs[len(runs) // 2]
        lines.append(f"| {name} | {statistics.median(r[0] for r in runs):.2f} | "
                     f"{runs[0][0]:.2f} | {runs[-1][0]:.2f} | {kinds['stacks'] / n:.2f} | "
                     f"{kinds['heap'] / n:.2f} | {kinds['arenas'] / n:.2f} | "
                     f"{kinds['files'] / n:.2f} | {report['threads_idle']} | "
                     f"{kinds['stacks'] / n / 4:.2f} | "
                     f"{kinds['deepest']:,} ({kinds['depth_median']:,.0f}) |")
    benchlib.print_table(lines, args.output)


if __name__ == "__main__":
    main()
