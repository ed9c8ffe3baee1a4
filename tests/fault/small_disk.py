#!/usr/bin/python3
"""The durable outbox store on a small file system: a real full disk, not a simulated one.

    small_disk.py --publisher build/debug/tests/fault/fault_store_publisher \\
                  --mosquitto /usr/sbin/mosquitto

The script runs itself again in a private mount namespace (`unshare -m`, or `unshare -Urm`
where user namespaces are allowed) and mounts a small tmpfs there for each scenario's store:
nothing outside the test sees the mounts, and they go away with it. A private mosquitto on
loopback and an independent subscriber (python3-paho-mqtt) check what arrives. Scenarios, for
each durability mode (a commit per message, group commit):

  steady  on a 1 MiB tmpfs, 5,000 QoS 1 messages of 200 B with the broker acknowledging them
          and at most 200 waiting: the live records take a few pages, and the store must not
          fill the disk with its write-ahead log. Every message must be accepted and
          acknowledged.
  full    on a 2 MiB tmpfs, another file takes 1.5 MiB; with the broker down, messages of
          1 KiB until the disk is full: publish (or, with group commit, flush_store) must fail
          with the store's "disk full" error (no crash, no hang). Then the other file goes
          (someone frees space), the broker comes up and the publisher starts again on the
          same store: everything accepted before the disk was full must arrive, and the store
          must take new messages again. (Draining takes room too: the acknowledgements erase
          records through the write-ahead log, up to 512 KiB of it.)

Exit status 0 when every scenario passes, 77 when no private mount can be made here.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kill_publisher import SUBSCRIBER, Broker, print_table, read_publisher_log  # noqa: E402
from kill_publisher import free_port, read_received, stop, wait_for  # noqa: E402

DISK_SIZE = "1m"
SKIP = 77
COLUMNS = ["scenario", "sent", "accepted", "acknowledged", "received", "lost", "duplicates",
           "refused with", "result"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--publisher", required=True, help="fault_store_publisher")
    p.add_argument("--mosquitto", required=True)
    p.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args()


def enter_private_namespace():
    """Runs this script again inside a private mount namespace; its exit status, or SKIP."""
    for unshare in (["unshare", "-m"], ["unshare", "-Urm"]):
        with tempfile.TemporaryDirectory(prefix="small-disk-probe-") as target:
            probe = subprocess.run(
                unshare + ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", target],
                capture_output=True, timeout=30)
        if probe.returncode == 0:
            return subprocess.run(unshare + [sys.executable] + sys.argv + ["--inside"]).returncode
    print("small_disk: no private mount namespace here (unshare -m / -Urm refused): skipped")
    return SKIP


class SmallDisk:
    """A fresh tmpfs of `size` on a temporary directory (inside the private namespace)."""

    def __init__(self, size=DISK_SIZE):
        self.path = tempfile.mkdtemp(prefix="small-disk-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", self.path],
                       check=True, timeout=30)

    def close(self):
        subprocess.run(["umount", self.path], timeout=30)
        os.rmdir(self.path)


class Subscriber:
    """The independent peer: a persistent paho session that writes each payload's number."""

    def __init__(self, port, directory):
        self.path = os.path.join(directory, "received.txt")
        ready = os.path.join(directory, "ready")
        self.process = subprocess.Popen(
            [sys.executable, "-c", SUBSCRIBER, str(port), "small-disk-sub", "fault/store", "1",
             "311", self.path, ready], start_new_session=True)
        if not wait_for(lambda: os.path.exists(ready), 10):
            self.stop()
            raise RuntimeError("subscriber did not subscribe")

    def settle(self, expected):
        """Waits (at most 30 s) until every number in `expected` arrived."""
        wait_for(lambda: expected <= set(read_received(self.path)), 30)
        return read_received(self.path)

    def stop(self):
        stop(self.process)


def publish(args, port, disk, log, durability, extra):
    command = [args.publisher, "--uri", f"mqtt://127.0.0.1:{port}", "--id", "small-disk-pub",
               "--store", os.path.join(disk.path, "outbox.db"), "--log", log, "--qos", "1",
               "--durability", durability] + extra
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def row_for(name, log, received, refused, failures):
    sent, accepted, acked, _ = read_publisher_log(log)
    return {"scenario": name, "sent": len(sent), "accepted": len(accepted),
            "acknowledged": acked, "received": len(received),
            "lost": len(accepted - set(received)),
            "duplicates": sum(c - 1 for c in received.values()),
            "refused with": refused or "-", "result": "; ".join(failures) or "pass"}


def steady(args, durability, directory):
    """5,000 small messages through an acknowledging broker: all accepted, none lost."""
    disk = SmallDisk()
    broker = Broker(args.mosquitto, directory)
    sub = Subscriber(broker.port, directory)
    log = os.path.join(directory, "publisher.log")
    try:
        done = publish(args, broker.port, disk, log, durability,
                       ["--count", "5000", "--size", "200"])
        failures = [] if done.returncode == 0 else \
            [f"publisher exit {done.returncode}: {done.stderr.strip()[-300:]}"]
        _, accepted, _, _ = read_publisher_log(log)
        received = sub.settle(accepted)
        if len(accepted) != 5000:
            failures.append(f"{5000 - len(accepted)} messages not accepted")
        return row_for(f"steady, {durability}", log, received, None, failures + lost(
            accepted, received))
    finally:
        sub.stop()
        broker.stop()
        disk.close()


def full(args, durability, directory):
    """The broker down until the disk is full; then up: what was accepted arrives, and the
    store takes new messages again."""
    disk = SmallDisk("2m")
    other = os.path.join(disk.path, "other-file")
    with open(other, "wb") as f:
        f.write(b"\0" * (1536 * 1024))
    log = os.path.join(directory, "publisher.log")
    port = free_port()  # the broker's, once it comes up; nothing listens on it until then
    failures = []
    first = publish(args, port, disk, log, durability,
                    ["--count", "100000", "--size", "1024", "--outbox", "100000"])
    said = [line for line in first.stderr.splitlines() if "disk full" in line]
    refused = said[0] if said else ""
    # 4: a publish refused; 5: a group flush failed. Either must say the disk is full.
    if first.returncode not in (4, 5) or "disk full" not in first.stderr:
        failures.append(f"filling the disk ended with exit {first.returncode}: "
                        f"{first.stderr.strip()[-300:]}")
    _, accepted_before, _, _ = read_publisher_log(log)
    if not accepted_before:
        failures.append("nothing was accepted before the disk was full")
    os.remove(other)
    broker = Broker(args.mosquitto, directory, port=port)
    sub = None
    try:
        # The subscriber's session starts now: it sees what the store sends from here on,
        # which is everything the first run accepted (none of it reached a broker).
        sub = Subscriber(broker.port, directory)
        highest = max(read_publisher_log(log)[0])
        second = publish(args, broker.port, disk, log, durability,
                         ["--count", str(highest + 200), "--size", "200"])
        if second.returncode != 0:
            failures.append(f"after the disk was full: exit {second.returncode}: "
                            f"{second.stderr.strip()[-300:]}")
        _, accepted, _, _ = read_publisher_log(log)
        received = sub.settle(accepted)
        new = {n for n in accepted if n > highest}
        if len(new) != 200:
            failures.append(f"the store took {len(new)} of 200 new messages")
        failures += lost(accepted, received)
        return row_for(f"full, {durability}", log, received, refused, failures)
    finally:
        if sub:
            sub.stop()
        broker.stop()
        disk.close()


def lost(accepted, received):
    missing = sorted(accepted - set(received))
    return [f"{len(missing)} accepted messages never arrived, e.g. {missing[:10]}"] \
        if missing else []


def main():
    args = parse_args()
    if not args.inside:
        return enter_private_namespace()
    rows = []
    for durability in ("per_message", "group"):
        for scenario in (steady, full):
            directory = tempfile.mkdtemp(prefix="small-disk-run-")
            try:
                rows.append(scenario(args, durability, directory))
            finally:
                shutil.rmtree(directory, ignore_errors=True)
    print_table(rows, COLUMNS)
    failed = [r for r in rows if r["result"] != "pass"]
    for r in failed:
        print(f"FAILED {r['scenario']}: {r['result']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
