#!/usr/bin/python3
"""Durable outboxes side by side: QoS 1 publish rate against portmqtt-sink.

Compares, in one run and against the same sink: portmqtt in memory, portmqtt with its SQLite
store (group commit, and a commit per message), and Paho C with and without its file
persistence. A commit per message is as fast as the disk syncs, so those clients get a
smaller count (--sync-count); the rate is what is compared. The store files live in $TMPDIR
(default /tmp): run it with TMPDIR on the disk you care about.

    /usr/bin/python3 bench/scripts/store_bench.py --build-dir build/release --output store.md
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_clients  # noqa: E402
import benchlib  # noqa: E402

CLIENTS = [("portmqtt_cpp", "portmqtt_cpp"), ("paho_c", "paho_c")] + bench_clients.STORE_CLIENTS
# Clients whose every message waits for a disk sync.
SYNCED = {"portmqtt_cpp_store_per_message", "portmqtt_cpp_store_per_message_nosync",
          "paho_c_file"}


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build-dir", action="append")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--count", type=int, default=200_000, help="messages per run")
    p.add_argument("--sync-count", type=int, default=2_000, help="messages per run, synced clients")
    p.add_argument("--size", type=int, default=16)
    p.add_argument("--window", type=int, default=1000)
    p.add_argument("--output", help="also write the table (Markdown) here")
    p.add_argument("--smoke", action="store_true", help="tiny counts, one run")
    args = p.parse_args()
    build_dirs = args.build_dir or [os.path.join(repo, "build", "release")]
    if args.smoke:
        args.runs, args.count, args.sync_count = 1, 2000, 50
    sink = benchlib.Sink(benchlib.find_program("portmqtt-sink", build_dirs))
    results = {name: [] for name, _ in CLIENTS}
    try:
        for run in range(args.runs):
            for name, command in CLIENTS[run % len(CLIENTS):] + CLIENTS[:run % len(CLIENTS)]:
                count = args.sync_count if name in SYNCED else args.count
                peer = benchlib.peer_arguments(sink.port, count, args.size, 1, args.window, 311,
                                               "bench/store")
                try:
                    words = benchlib.resolve_command(command, build_dirs)
                    results[name].append(benchlib.run_peer(words, peer, 600, sink.pid))
                except (FileNotFoundError, RuntimeError) as e:
                    print(f"{name}: {e}", file=sys.stderr)
    finally:
        sink.close()
    lines = [f"QoS 1, {args.size}-byte payload, window {args.window}, MQTT 3.1.1, against "
             f"portmqtt-sink; median of {args.runs} run(s); store files in "
             f"{os.environ.get('TMPDIR', '/tmp')}", "",
             "| client | messages | msgs/s (median) | min | max | CPU s / M msgs |",
             "|---|---|---|---|---|---|"]
    for name, _ in CLIENTS:
        runs = results[name]
        if not runs:
            lines.append(f"| {name} | - | failed | | | |")
            continue
        rates = [r["msgs_per_s"] for r in runs]
        cpu = statistics.median((r["cpu_user_s"] + r["cpu_sys_s"]) / r["msgs"] * 1e6 for r in runs)
        lines.append(f"| {name} | {runs[0]['msgs']} | {statistics.median(rates):,.0f} | "
                     f"{min(rates):,.0f} | {max(rates):,.0f} | {cpu:.1f} |")
    print("\n".join(lines))
    if args.output:
        with open(args.output, "w") as f:
            f.write("\n".join(lines) + "\n")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
