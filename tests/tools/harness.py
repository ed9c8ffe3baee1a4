"""Shared pieces of the `portmqtt` command-line tests: a private mosquitto on a free loopback
port, and helpers to run our binary and mosquitto's own clients as independent peers."""

import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

PORTMQTT = os.environ.get("PORTMQTT_BIN", "portmqtt")
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
TIMEOUT = 20


def free_port(addresses=("127.0.0.1",)):
    """A random port below Linux's ephemeral range (32768-60999), free on every one of
    `addresses`, so that no outgoing connection of a test running in parallel can take it as
    its source port."""
    rng = random.Random(os.getpid() ^ time.monotonic_ns())
    for _ in range(100):
        port = rng.randint(20000, 32767)
        probes = []
        try:
            for address in addresses:
                probe = socket.socket()
                probes.append(probe)
                probe.bind((address, port))
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
        return port
    raise RuntimeError("no free port")


class Broker:
    """mosquitto with a generated config, every log type on, stopped by pid."""

    def __init__(self, extra="", address="127.0.0.1", port=None):
        self.dir = tempfile.mkdtemp(prefix="portmqtt-tools-")
        self.address = address
        self.port = port or free_port((address,))
        self.log_path = os.path.join(self.dir, "mosquitto.log")
        config = self.config = os.path.join(self.dir, "mosquitto.conf")
        with open(config, "w") as out:
            out.write(f"listener {self.port} {address}\n")
            out.write(f"log_dest file {self.log_path}\nlog_type all\nconnection_messages true\n")
            if os.geteuid() == 0:
                out.write("user root\n")
            out.write((extra or "allow_anonymous true\n").replace("{dir}", self.dir))
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
                if probe.connect_ex((self.address, self.port)) == 0:
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

    def kill(self):
        """SIGKILL: the broker vanishes without a word, keeping the directory."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def halt(self):
        """SIGTERM (mosquitto saves its persistence database), keeping the directory."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(10)

    def start_again(self):
        """The same broker (config, port, persistence) after halt()."""
        with open(self.log_path, "a") as log:
            log.write("--- restarted\n")
        self.process = subprocess.Popen([MOSQUITTO, "-c", self.config], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.log().count(" running\n") >= 2:
                return
            time.sleep(0.02)
        raise RuntimeError("mosquitto did not restart")

    def stop(self):
        self.halt()
        shutil.rmtree(self.dir, ignore_errors=True)


class ScriptedBroker:
    """A minimal MQTT server on a free port for behaviour no real broker shows. It accepts
    CONNECT (CONNACK 0), answers SUBSCRIBE, PUBLISH QoS 1 and PINGREQ like a broker, and
    `script(kind, connection_number, body)` may replace an answer: it returns the bytes to send
    instead, None for the normal answer, or "close" to drop the connection."""

    def __init__(self, script=None):
        self.script = script or (lambda kind, number, body: None)
        self.port = free_port()
        self.connections = 0
        self.received = []  # (connection number, packet type, body)
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(8)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn, self.connections),
                             daemon=True).start()

    @staticmethod
    def _read(conn, size):
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def _packet(self, conn):
        first = self._read(conn, 1)[0]
        length, shift = 0, 0
        while True:
            byte = self._read(conn, 1)[0]
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        return first, self._read(conn, length)

    def _serve(self, conn, number):
        names = {1: "connect", 3: "publish", 6: "pubrel", 8: "subscribe", 12: "pingreq",
                 14: "disconnect"}
        try:
            with conn:
                v5 = False
                while True:
                    first, body = self._packet(conn)
                    kind = names.get(first >> 4, "other")
                    self.received.append((number, kind, body))
                    answer = self.script(kind, number, body)
                    if answer == "close":
                        return
                    if answer is None:
                        if kind == "connect":
                            v5 = body[6] == 5
                            answer = bytes([0x20, 3, 0, 0, 0]) if v5 else bytes([0x20, 2, 0, 0])
                        elif kind == "subscribe":
                            granted = b"\x00\x00" if v5 else b"\x00"  # (no properties) QoS 0
                            answer = bytes([0x90, 2 + len(granted)]) + body[:2] + granted
                        elif kind == "publish" and (first >> 1) & 3 == 1:
                            topic_len = int.from_bytes(body[:2], "big")
                            answer = bytes([0x40, 2]) + body[2 + topic_len:4 + topic_len]
                        elif kind == "pingreq":
                            answer = bytes([0xD0, 0])
                        elif kind == "disconnect":
                            return
                        else:
                            answer = b""
                    conn.sendall(answer)
        except (EOFError, OSError):
            return

    def stop(self):
        self.server.close()


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
            ["mosquitto_sub", "-h", broker.address, "-p", str(broker.port), "-i", self.client_id,
             "-t", topic]
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
