#!/usr/bin/python3
"""What a client costs mosquitto: broker CPU and system calls per message, client side too.

    /usr/bin/python3 bench/scripts/broker_cost.py --build-dir build/release --output cost.md

For each cell (payload, QoS) and client, a fresh private mosquitto; `perf stat` counts, for
the broker process (attached by pid) and for the client (run under perf), the CPU time
(task-clock), context switches and system calls by kind while the client publishes its
batch with --window in flight. Counts are divided by the messages sent. System-call counts do
not depend on the load of the machine; CPU times do (the median of K runs is shown). Without
`perf`, only the broker's CPU from /proc is shown. Standard library only.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
import bench_clients  # noqa: E402
import benchlib  # noqa: E402

# perf event -> column; tracepoints cost a counter increment, not a ptrace stop like strace.
SYSCALLS = {
    "read": ("read", "recvfrom", "recvmsg", "readv"),
    "write": ("write", "writev", "sendmsg", "sendto", "sendmmsg"),
    "poll": ("epoll_wait", "epoll_pwait", "poll", "ppoll", "select", "pselect6"),
    "futex": ("futex",),
}
# net_dev_xmit: a segment leaving through loopback in this process's context (its own sends);
# sched_wakeup: a thread woken by this process (e.g. a reader waiting for what it sent).
EVENTS = (["task-clock", "context-switches", "raw_syscalls:sys_enter", "net:net_dev_xmit",
           "sched:sched_wakeup"] +
          [f"syscalls:sys_enter_{name}" for names in SYSCALLS.values() for name in names])
DEFAULT_CELLS = "16:1,1024:0,1024:1,1024:2"
DEFAULT_COUNTS = {0: 200_000, 1: 50_000, 2: 20_000}


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build-dir", action="append")
    p.add_argument("--output", default="broker_cost.md")
    p.add_argument("--cells", default=DEFAULT_CELLS, help="payload:qos,... ")
    p.add_argument("--clients", default="portmqtt_esp,portmqtt_cpp,mosq_loop,raw_batch")
    p.add_argument("--client", action="append", default=[], metavar="NAME=COMMAND",
                   help="an extra client, also run (e.g. another build's program by its path)")
    p.add_argument("--window", type=int, default=1000)
    p.add_argument("--version", default="311", choices=["311", "5"])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--count", type=int, help="messages per run for every QoS")
    p.add_argument("--smoke", action="store_true")
    args = p.parse_args()
    args.build_dir = args.build_dir or [os.path.join(repo, "build", "release")]
    if args.smoke:
        args.runs, args.count = 1, 2000
    return args


def parse_perf(path):
    """{event: count} from `perf stat -x,` output (task-clock in ms)."""
    counts = {}
    with open(path) as f:
        for line in f:
            fields = line.strip().split(",")
            if len(fields) < 3 or line.startswith("#"):
                continue
            try:
                counts[fields[2]] = float(fields[0])
            except ValueError:
                counts[fields[2]] = 0.0  # "<not counted>"
    return counts


def per_message(counts, msgs):
    row = {"cpu_us": counts.get("task-clock", 0.0) * 1000.0 / msgs,
           "switches": counts.get("context-switches", 0.0) / msgs,
           "syscalls": counts.get("raw_syscalls:sys_enter", 0.0) / msgs,
           "segments": counts.get("net:net_dev_xmit", 0.0) / msgs,
           "wakeups": counts.get("sched:sched_wakeup", 0.0) / msgs}
    for column, names in SYSCALLS.items():
        row[column] = sum(counts.get(f"syscalls:sys_enter_{n}", 0.0) for n in names) / msgs
    return row


def run_once(args, command, payload, qos, count, use_perf):
    broker = benchlib.Mosquitto()
    tmp = tempfile.mkdtemp(prefix="bench-cost-")
    broker_out, client_out = os.path.join(tmp, "broker"), os.path.join(tmp, "client")
    perf = None
    try:
        if use_perf:
            perf = subprocess.Popen(["perf", "stat", "-x,", "-o", broker_out, "-e",
                                     ",".join(EVENTS), "-p", str(broker.pid)],
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            command = ["perf", "stat", "-x,", "-o", client_out, "-e", ",".join(EVENTS),
                       "--"] + command
        peer_args = benchlib.peer_arguments(broker.port, count, payload, qos, args.window,
                                            args.version, "bench/cost")
        result = benchlib.run_peer(command, peer_args, 300, broker.pid)
        if perf is not None:
            perf.send_signal(signal.SIGINT)
            perf.wait(10)
            perf = None
            msgs = result["msgs"]
            result["broker"] = per_message(parse_perf(broker_out), msgs)
            result["client"] = per_message(parse_perf(client_out), msgs)
        else:
            result["broker"] = {"cpu_us": result["broker_cpu_s"] * 1e6 / result["msgs"]}
        return result
    finally:
        if perf is not None:
            benchlib.stop(perf)
        broker.close()
        shutil.rmtree(tmp, ignore_errors=True)


def median_row(rows):
    return {k: statistics.median(r.get(k, 0.0) for r in rows) for k in rows[0]}


def main():
    args = parse_args()
    use_perf = shutil.which("perf") is not None
    clients = dict(bench_clients.CLIENTS)
    names = args.clients.split(",") if args.clients else []
    for extra in args.client:
        name, _, command = extra.partition("=")
        clients[name] = command
        names.append(name)
    cells = [tuple(int(x) for x in c.split(":")) for c in args.cells.split(",")]
    lines = ["# What each client costs mosquitto, per message", "",
             f"- MQTT {'3.1.1' if args.version == '311' else '5'}, window {args.window}, "
             f"median of {args.runs} runs, a fresh mosquitto per run; "
             f"load average at the end {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
             "- broker/client CPU: task-clock us per message; syscalls, reads, writes, polls, "
             "TCP segments sent (net_dev_xmit on loopback), threads woken, context switches: "
             "per message (`perf stat` tracepoints)", "",
             "| payload | QoS | client | msgs/s | broker CPU us | broker syscalls | "
             "broker reads | broker writes | broker polls | broker segments | broker wakeups | "
             "client CPU us | client syscalls | client reads | client writes | "
             "client segments | client wakeups | client switches |",
             "|---:|---:|---|---:|" + "---:|" * 14]
    for payload, qos in cells:
        count = args.count or DEFAULT_COUNTS[qos]
        for name in names:
            command = benchlib.resolve_command(clients[name], args.build_dir)
            runs = []
            for _ in range(args.runs):
                try:
                    runs.append(run_once(args, command, payload, qos, count, use_perf))
                except RuntimeError as e:
                    print(f"{name} {payload} B QoS {qos}: FAILED {e}", file=sys.stderr)
            if not runs:
                continue
            rate = statistics.median(r["msgs_per_s"] for r in runs)
            b = median_row([r["broker"] for r in runs])
            c = median_row([r["client"] for r in runs]) if use_perf else {}
            lines.append(
                f"| {payload} | {qos} | {name} | {rate:,.0f} | {b['cpu_us']:.2f} | "
                f"{b.get('syscalls', 0):.2f} | {b.get('read', 0):.2f} | {b.get('write', 0):.2f} | "
                f"{b.get('poll', 0):.2f} | {b.get('segments', 0):.3f} | {b.get('wakeups', 0):.3f} | "
                f"{c.get('cpu_us', 0):.2f} | {c.get('syscalls', 0):.2f} | {c.get('read', 0):.3f} | "
                f"{c.get('write', 0):.3f} | {c.get('segments', 0):.3f} | "
                f"{c.get('wakeups', 0):.3f} | {c.get('switches', 0):.3f} |")
            print(lines[-1], file=sys.stderr)
    with open(args.output, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
