"""Shared pieces of the `portmqtt` command-line tests: a private mosquitto on a free loopback
port, and helpers to run our binary and mosquitto's own clients as independent peers."""

import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

PORTMQTT = os.environ.get("PORTMQTT_BIN", "portmqtt")
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
TIMEOUT = 20


def free_port():
    """A random free port below Linux's ephemeral range (32768-60999), so that no outgoing
    connection of a test running in parallel can take it as its source port."""
    rng = random.Random(os.getpid() ^ time.monotonic_ns())
    for _ in range(100):
        port = rng.randint(20000, 32767)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


class Broker:
    """mosquitto with a generated config, every log type on, stopped by pid."""

    def __init__(self, extra=""):
        self.dir = tempfile.mkdtemp(prefix="portmqtt-tools-")
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "mosquitto.log")
        config = os.path.join(self.dir, "mosquitto.conf")
        with open(config, "w") as out:
            out.write(f"listener {self.port} 127.0.0.1\n")
            out.write(f"log_dest file {self.log_path}\nlog_type all\nconnection_messages true\n")
            if os.geteuid() == 0:
                out.write("user root\n")
            out.write(extra if extra else "allow_anonymous true\n")
        self.process = subprocess.Popen([MOSQUITTO, "-c", config], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self._wait_accepting()

    def _wait_accepting(self):
        deadline = time.monotonic() + 10
        # A parallel test may hold the same port: only our own log proves the listener is ours.
        while time.monotonic() < deadline and self.process.poll() is None:
            if os.path.exists(self.log_path) and " running\n" in self.log():
                break
            time.sleep(0.02)
        if self.process.poll() is not None:
            raise RuntimeError(f"mosquitto exited: {self.log() if os.path.exists(self.log_path) else ''}")
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError("mosquitto did not start")

    def log(self):
        with open(self.log_path, errors="replace") as log:
            return log.read()

    def wait_for_log(self, needle, count=1, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log().count(needle) >= count:
                return True
            time.sleep(0.02)
        return False

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def run(args, stdin=None, timeout=TIMEOUT):
    """Runs our binary to completion: (exit code, stdout bytes, stderr text)."""
    done = subprocess.run([PORTMQTT] + args, input=stdin, capture_output=True, timeout=timeout)
    return done.returncode, done.stdout, done.stderr.decode(errors="replace")


def spawn(args, **kwargs):
    return subprocess.Popen([PORTMQTT] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            **kwargs)


class Peer:
    """mosquitto_sub running in the background, subscribed before the test publishes."""

    def __init__(self, broker, topic, args=(), client_id=None):
        self.broker = broker
        self.client_id = client_id or f"peer-{free_port()}"
        self.process = subprocess.Popen(
            ["mosquitto_sub", "-p", str(broker.port), "-i", self.client_id, "-t", topic]
            + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if not broker.wait_for_log(f"Sending SUBACK to {self.client_id}"):
            raise RuntimeError("peer did not subscribe")

    def result(self, timeout=TIMEOUT):
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err.decode(errors="replace")


def mosquitto_pub(broker, args):
    subprocess.run(["mosquitto_pub", "-p", str(broker.port)] + args, check=True, timeout=TIMEOUT)


class BrokerTest(unittest.TestCase):
    broker_config = ""

    def setUp(self):
        self.broker = Broker(self.broker_config)
        self.port = str(self.broker.port)

    def tearDown(self):
        self.broker.stop()
