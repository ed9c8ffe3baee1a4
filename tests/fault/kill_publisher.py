#!/usr/bin/python3
"""Publisher killed with SIGKILL at random points, with the durable outbox store.

For each scenario (QoS 1 and 2, MQTT 3.1.1 and 5): a private mosquitto, an independent
subscriber (paho-mqtt, persistent session) logging every payload, and fault_store_publisher
started, killed with SIGKILL after a random 50-600 ms, and started again on the same store and
client id, --repetitions times; a last run resends what the store still holds and exits once
everything is acknowledged. Then the subscriber's log is compared with the publisher's:

  sent          messages the publisher was about to publish (publish called)
  acknowledged  Published events seen (resumed messages included)
  received      distinct messages the subscriber got
  lost by us    accepted (publish returned an id) and never received
  lost by broker  never received, and the broker logged dropping messages
  duplicates    copies received beyond the first

Passes when nothing accepted was lost by us, and at QoS 2 nothing was received twice.
Exit status 0 on success; prints one table per run.
"""
import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time

SUBSCRIBER = r'''
import sys, signal, paho.mqtt.client as mqtt
port, cid, topic, qos, version, out, ready = sys.argv[1:8]
proto = mqtt.MQTTv5 if version == "5" else mqtt.MQTTv311
if proto == mqtt.MQTTv5:
    c = mqtt.Client(client_id=cid, protocol=proto)
else:
    c = mqtt.Client(client_id=cid, clean_session=False, protocol=proto)
f = open(out, "a", buffering=1)
def on_connect(client, userdata, flags, rc, props=None):
    client.subscribe(topic, int(qos))
def on_subscribe(client, userdata, mid, granted, props=None):
    open(ready, "w").close()
def on_message(client, userdata, msg):
    f.write(msg.payload.decode() + "\n")
c.on_connect, c.on_subscribe, c.on_message = on_connect, on_subscribe, on_message
signal.signal(signal.SIGTERM, lambda *a: (c.disconnect(), f.close(), sys.exit(0)))
if proto == mqtt.MQTTv5:
    from paho.mqtt.properties import Properties
    from paho.mqtt.packettypes import PacketTypes
    p = Properties(PacketTypes.CONNECT)
    p.SessionExpiryInterval = 3600
    c.connect("127.0.0.1", int(port), 30, clean_start=False, properties=p)
else:
    c.connect("127.0.0.1", int(port), 30)
c.loop_forever()
'''


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


class Broker:
    """A private mosquitto queueing without limit for a lagging or offline subscriber, so that
    a loss is ours, not the broker's; with `persistence`, it keeps its state in `directory`."""

    def __init__(self, mosquitto, directory, persistence=False, port=None):
        self.port = port or free_port()
        self.log = os.path.join(directory, "mosquitto.log")
        conf = os.path.join(directory, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
                    f"log_dest file {self.log}\nlog_type error\nlog_type warning\n"
                    "log_type notice\nlog_type information\n"
                    "max_queued_messages 0\n")
            if persistence:
                f.write(f"persistence true\npersistence_location {directory}/\n")
            if os.geteuid() == 0:
                f.write("user root\n")
        self.process = subprocess.Popen([mosquitto, "-c", conf], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        if not wait_for(self.accepting, 10):
            raise RuntimeError("mosquitto did not start")

    def accepting(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def dropped(self):
        with open(self.log, errors="replace") as f:
            return sum("being dropped" in line for line in f)

    def stop(self):
        stop(self.process)


def stop(process):
    """SIGTERM to a process this script started, then SIGKILL if it lingers."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def read_publisher_log(path):
    sent, accepted, acked, unknown = set(), set(), 0, 0
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "s" and len(parts) == 2:
                sent.add(int(parts[1]))
            elif parts[0] == "a" and len(parts) == 2:
                accepted.add(int(parts[1]))
            elif parts[0] == "c":
                acked += 1
            elif parts[0] == "u":
                unknown += 1
    return sent, accepted, acked, unknown


def read_received(path):
    counts = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.isdigit():
                    counts[int(line)] = counts.get(int(line), 0) + 1
    return counts


def run_scenario(args, qos, version, rng, directory, with_store=True, durability="per_message"):
    kind = f"store {durability}" if with_store else "memory only"
    name = f"kill -9 publisher, {kind}, QoS {qos}, MQTT {'5' if version == '5' else '3.1.1'}"
    broker = Broker(args.mosquitto, directory)
    received_path = os.path.join(directory, "received.txt")
    ready = os.path.join(directory, "ready")
    sub = subprocess.Popen([sys.executable, "-c", SUBSCRIBER, str(broker.port), "fault-sub",
                            "fault/store", str(qos), version, received_path, ready],
                           start_new_session=True)
    try:
        if not wait_for(lambda: os.path.exists(ready), 10):
            raise RuntimeError("subscriber did not subscribe")
        store = os.path.join(directory, "outbox.db") if with_store else ""
        log = os.path.join(directory, "publisher.log")
        common = [args.publisher, "--uri", f"mqtt://127.0.0.1:{broker.port}", "--id", "fault-pub",
                  "--store", store, "--log", log, "--qos", str(qos), "--version", version,
                  "--durability", durability]
        kills = 0
        while kills < args.repetitions:
            p = subprocess.Popen(common + ["--count", str(10 ** 9)], start_new_session=True)
            try:
                rc = p.wait(timeout=rng.uniform(0.05, 0.6))
                raise RuntimeError(f"publisher ended by itself with status {rc}")
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
                kills += 1
        # The last run publishes nothing new: it resends what the store holds and waits for
        # the acknowledgements (without a store there is nothing to resend).
        sent, _, _, _ = read_publisher_log(log)
        highest = max(sent) if sent else 0
        final = subprocess.run(common + ["--count", str(highest)], timeout=120)
        if final.returncode != 0:
            raise RuntimeError(f"last publisher run failed with status {final.returncode}")
        sent, accepted, acked, unknown = read_publisher_log(log)
        # The subscriber has everything the broker will send it when the count stops moving.
        last = [-1, time.monotonic()]

        def settled():
            n = sum(read_received(received_path).values())
            if n != last[0]:
                last[0], last[1] = n, time.monotonic()
            return accepted <= set(read_received(received_path)) or \
                time.monotonic() - last[1] > 3
        wait_for(settled, 30)
        received = read_received(received_path)
        missing = accepted - set(received)
        by_broker = min(len(missing), broker.dropped())
        row = {
            "scenario": name, "kills": kills, "sent": len(sent), "accepted": len(accepted),
            "acknowledged": acked, "received": len(received),
            "lost by us": len(missing) - by_broker, "lost by broker": by_broker,
            "duplicates": sum(c - 1 for c in received.values()), "outcome unknown": unknown,
            "store": with_store,
        }
        return row
    finally:
        stop(sub)
        broker.stop()


COLUMNS = ["scenario", "kills", "sent", "accepted", "acknowledged", "received", "lost by us",
           "lost by broker", "duplicates", "outcome unknown"]


def print_table(rows, columns=COLUMNS):
    """One Markdown table of `rows` (dicts), one column per name in `columns`."""
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    line = lambda values: "| " + " | ".join(str(v).ljust(w) for v, w in zip(values, widths)) + " |"
    print(line(columns))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line([r[c] for c in columns]))
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publisher", required=True)
    parser.add_argument("--mosquitto", default="/usr/sbin/mosquitto")
    parser.add_argument("--repetitions", type=int, default=20, help="kills per scenario")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--qos", default="1,2")
    parser.add_argument("--versions", default="3.1.1,5")
    parser.add_argument("--memory-baseline", action="store_true",
                        help="also run QoS 1 without the store (its losses are expected)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"seed {seed} (--seed {seed} repeats the kill points)")
    rng = random.Random(seed)
    rows, failures = [], []
    for version in args.versions.split(","):
        for qos in [int(q) for q in args.qos.split(",")]:
            with tempfile.TemporaryDirectory(prefix="portmqtt-fault-") as directory:
                row = run_scenario(args, qos, "5" if version == "5" else "4", rng, directory)
            rows.append(row)
            if row["lost by us"] != 0 and row["store"]:
                failures.append(f"{row['scenario']}: {row['lost by us']} accepted messages lost")
            if qos == 2 and row["duplicates"] != 0:
                failures.append(f"{row['scenario']}: {row['duplicates']} duplicates at QoS 2")
    # Group commit: a message counts as accepted once a flush_store() after it returned.
    with tempfile.TemporaryDirectory(prefix="portmqtt-fault-") as directory:
        row = run_scenario(args, 2, "5", rng, directory, durability="group")
    rows.append(row)
    if row["lost by us"] != 0:
        failures.append(f"{row['scenario']}: {row['lost by us']} accepted messages lost")
    if row["duplicates"] != 0:
        failures.append(f"{row['scenario']}: {row['duplicates']} duplicates at QoS 2")
    if args.memory_baseline:
        # Without the store, what was accepted and not yet acknowledged dies with the process.
        with tempfile.TemporaryDirectory(prefix="portmqtt-fault-") as directory:
            rows.append(run_scenario(args, 1, "4", rng, directory, with_store=False))
    print_table(rows)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
