"""Shared helpers of the benchmark scripts: finding programs, brokers, running a peer.

Standard library only. Everything listens on and connects to 127.0.0.1. Every process started
here is stopped by its own pid.
"""

import json
import os
import resource
import shlex
import socket
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"


def find_program(name, build_dirs):
    """Returns the path of executable `name` under one of `build_dirs` (searched recursively)."""
    if "/" in name:
        return name
    for root in build_dirs:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != "CMakeFiles"]
            if name in filenames:
                path = os.path.join(dirpath, name)
                if os.access(path, os.X_OK):
                    return path
    raise FileNotFoundError(f"program {name!r} not found under {build_dirs}")


def resolve_command(command, build_dirs):
    """Splits a client command and resolves its program."""
    words = shlex.split(command)
    words[0] = find_program(words[0], build_dirs)
    return words


def select_clients(clients, wanted, build_dirs, extras=()):
    """The (name, command) pairs named in `wanted` (comma-separated; all when empty), then the
    `extras` ("NAME=COMMAND" strings from --client, which always run: naming one is asking for
    it), with their programs resolved; a client whose program is missing is skipped with a
    note."""
    if wanted:
        names = wanted.split(",")
        clients = [c for c in clients if c[0] in names]
    clients = list(clients) + [tuple(extra.partition("=")[::2]) for extra in extras]
    resolved = []
    for name, command in clients:
        try:
            resolved.append((name, resolve_command(command, build_dirs)))
        except FileNotFoundError as e:
            print(f"skipping {name}: {e}", file=sys.stderr)
    return resolved


def stop(process, timeout=10.0):
    """Ends a process this script started: SIGTERM to its pid, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cpu_seconds(pid):
    """User + system CPU seconds used so far by process `pid` (from /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


class Sink:
    """A portmqtt-sink process on a free loopback port."""

    def __init__(self, program, flood=None):
        args = [program, "--port", "0"]
        if flood is not None:
            qos, count, payload, topic = flood
            args += ["--flood", str(qos), "--flood-count", str(count),
                     "--payload", str(payload), "--topic", topic]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True,
                                        start_new_session=True)
        line = self.process.stdout.readline().split()
        if len(line) != 2 or line[0] != "port":
            stop(self.process)
            raise RuntimeError(f"portmqtt-sink did not report its port: {line}")
        self.port = int(line[1])
        self.pid = self.process.pid

    def close(self):
        """Stops the sink and returns its JSON summary (or None)."""
        stop(self.process)
        rest = self.process.stdout.read().strip().splitlines()
        self.process.stdout.close()
        for line in reversed(rest):
            if line.startswith("{"):
                return json.loads(line)
        return None


def free_port():
    """A port that was free a moment ago (the broker binds it right after)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Mosquitto:
    """A private mosquitto with its own configuration on a free loopback port.

    With nodelay, mosquitto sets TCP_NODELAY on its sockets (`set_tcp_nodelay true`); by
    default it leaves Nagle's algorithm on, so a small packet it sends waits for the ACK of the
    one before, which a client that delays its ACKs holds back by up to 40 ms."""

    def __init__(self, program="mosquitto", nodelay=False):
        self.dir = tempfile.TemporaryDirectory(prefix="bench-mosquitto-")
        self.port = free_port()
        conf = os.path.join(self.dir.name, "mosquitto.conf")
        lines = [
            f"listener {self.port} {HOST}",
            "allow_anonymous true",
            "persistence false",
            "log_dest none",
            # No cap on in-flight messages, so the clients' own window is what limits them.
            "max_inflight_messages 0",
            "max_queued_messages 0",
        ]
        if nodelay:
            lines.append("set_tcp_nodelay true")
        if os.geteuid() == 0:
            lines.append("user root")  # else it drops to the mosquitto user
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.process = subprocess.Popen([program, "-c", conf], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.process.pid
        self._wait_ready()

    def _wait_ready(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("mosquitto exited at start")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        stop(self.process)
        raise RuntimeError("mosquitto did not start listening")

    def close(self):
        stop(self.process)
        self.dir.cleanup()
        return None


def peer_arguments(port, count, size, qos, window, version, topic, recv=False):
    """The common command line of every peer."""
    args = ["--host", HOST, "--port", str(port), "--count", str(count), "--size", str(size),
            "--qos", str(qos), "--window", str(window), "--version", str(version),
            "--topic", topic]
    return args + (["--recv"] if recv else [])


def run_peer(command, args, timeout, broker_pid=None):
    """Runs one peer; returns its JSON result (plus broker CPU seconds) or raises RuntimeError."""
    before = cpu_seconds(broker_pid) if broker_pid else 0.0
    try:
        done = subprocess.run(command + args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"timed out after {timeout}s")
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()[-300:]}")
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            result = json.loads(line)
            if broker_pid:
                result["broker_cpu_s"] = cpu_seconds(broker_pid) - before
            return result
    raise RuntimeError(f"no JSON line in output: {done.stdout[-300:]!r}")


def print_table(lines, output=None):
    """Prints the Markdown lines of a table and, with `output`, writes them there too."""
    table = "\n".join(lines) + "\n"
    print(table)
    if output:
        with open(output, "w") as f:
            f.write(table)


def raise_fd_limit(wanted):
    """Like `ulimit -n`: raises this process's (and so its children's) descriptor limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rotated(items, round_no):
    """`items` started at a different one each round, so that no client always runs first."""
    shift = round_no % len(items)
    return items[shift:] + items[:shift]
