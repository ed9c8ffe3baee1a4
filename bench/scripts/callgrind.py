#!/usr/bin/python3
"""Instructions per message of each client, counted by valgrind's callgrind.

    /usr/bin/python3 bench/scripts/callgrind.py --build-dir build/release --qos 0,1,2

Each client publishes to a portmqtt-sink twice, N1 and N2 messages, under
`valgrind --tool=callgrind`; (Ir(N2) - Ir(N1)) / (N2 - N1) cancels start-up and connection
cost and leaves the instructions per message, all threads of the client included. Counts
are stable run to run, unlike timings, so small differences are visible. Standard library
only.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
import bench_clients  # noqa: E402
import benchlib  # noqa: E402


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build-dir", action="append",
                   help="where to look for the programs (default: <repo>/build/release, "
                        "the preset that builds bench/)")
    p.add_argument("--clients", help="comma-separated subset of the built-in client names "
                                      "(those added with --client always run)")
    p.add_argument("--client", action="append", default=[], metavar="NAME=COMMAND",
                   help="an extra client, e.g. portmqtt='portmqtt bench'")
    p.add_argument("--qos", default="0,1,2")
    p.add_argument("--size", type=int, default=16)
    p.add_argument("--n1", type=int, default=2000)
    p.add_argument("--n2", type=int, default=12000)
    p.add_argument("--window", type=int, default=1000)
    p.add_argument("--version", default="311", choices=["311", "5"])
    p.add_argument("--recv", action="store_true", help="count the receive side instead")
    p.add_argument("--output", help="also write the Markdown table here")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per valgrind run")
    args = p.parse_args()
    args.build_dir = args.build_dir or [os.path.join(repo, "build", "release")]
    if args.n2 <= args.n1:
        p.error("--n2 must be larger than --n1")
    return args


def total_instructions(out_file):
    """The `totals:` (or `summary:`) line of a callgrind output file: Ir of all threads."""
    with open(out_file) as f:
        text = f.read()
    m = re.search(r"^totals:\s+(\d+)", text, re.M) or re.search(r"^summary:\s+(\d+)", text, re.M)
    if not m:
        raise RuntimeError(f"no totals in {out_file}")
    return int(m.group(1))


def measure(command, peer_args, timeout, workdir):
    """Ir of one run of `command` under callgrind."""
    out_file = os.path.join(workdir, "callgrind.out")
    if os.path.exists(out_file):
        os.remove(out_file)
    valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}"]
    try:
        done = subprocess.run(valgrind + command + peer_args, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"timed out after {timeout}s")
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()[-400:]}")
    return total_instructions(out_file)


def clients_of(args):
    return benchlib.select_clients(bench_clients.CLIENTS, args.clients, args.build_dir,
                                   args.client)


def run_one(args, command, qos, sink_program, workdir):
    """(Ir at N1, Ir at N2) of one client at one QoS."""
    counts = []
    for n in (args.n1, args.n2):
        flood = (qos, n, args.size, "bench/callgrind") if args.recv else None
        sink = benchlib.Sink(sink_program, flood=flood)
        try:
            peer_args = benchlib.peer_arguments(sink.port, n, args.size, qos, args.window,
                                                args.version, "bench/callgrind", args.recv)
            counts.append(measure(command, peer_args, args.timeout, workdir))
        finally:
            sink.close()
    return counts


def main():
    args = parse_args()
    clients = clients_of(args)
    sink_program = benchlib.find_program("portmqtt-sink", args.build_dir)
    mode = "recv" if args.recv else "pub"
    lines = [f"Instructions per message ({mode}, {args.size} B, MQTT "
             f"{'3.1.1' if args.version == '311' else '5'}, window {args.window}; "
             f"(Ir at {args.n2} - Ir at {args.n1}) / {args.n2 - args.n1})", "",
             "| client | QoS | Ir at N1 | Ir at N2 | Ir / message |",
             "|---|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as workdir:
        for qos in [int(q) for q in args.qos.split(",")]:
            for name, command in clients:
                try:
                    ir1, ir2 = run_one(args, command, qos, sink_program, workdir)
                except RuntimeError as e:
                    print(f"{name} QoS {qos}: FAILED {e}", file=sys.stderr)
                    lines.append(f"| {name} | {qos} | failed | | |")
                    continue
                per_message = (ir2 - ir1) / (args.n2 - args.n1)
                lines.append(f"| {name} | {qos} | {ir1:,} | {ir2:,} | {per_message:,.0f} |")
                print(f"{name} QoS {qos}: {per_message:,.0f} Ir/msg", file=sys.stderr)
    benchlib.print_table(lines, args.output)


if __name__ == "__main__":
    main()
