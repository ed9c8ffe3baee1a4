"""The example programs (examples/) against a private mosquitto, checked with independent peers
(mosquitto_sub, mosquitto_pub, paho-mqtt): each does what its comment promises, ends by itself
and fails with a clear message and a non-zero exit code when it cannot."""

import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from harness import Broker, Peer, free_port, mosquitto_pub

EXAMPLES = os.environ.get("PORTMQTT_EXAMPLES_DIR", ".")
TIMEOUT = 30


def example(name):
    return os.path.join(EXAMPLES, name)


def run_example(args, timeout=TIMEOUT):
    done = subprocess.run([example(args[0])] + args[1:], capture_output=True, timeout=timeout)
    return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(
        errors="replace")


def finish(process):
    """Ends a background example that is still running, and closes its pipes."""
    if process.poll() is None:
        process.kill()
    process.wait()
    process.stdout.close()
    process.stderr.close()


def wait_for_line(process, needle, timeout=10):
    """Reads process stdout lines until one contains `needle`; returns the lines read."""
    lines = []
    result = {}

    def reader():
        for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            lines.append(line)
            if needle in line:
                result["found"] = True
                return

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(timeout)
    if not result:
        raise AssertionError(f"no line with {needle!r} in {lines!r}")
    return lines


class PlainExamplesTest(unittest.TestCase):
    def setUp(self):
        self.broker = Broker()
        self.uri = f"mqtt://127.0.0.1:{self.broker.port}"

    def tearDown(self):
        self.broker.stop()

    def test_publisher_delivers_every_message_once(self):
        peer = Peer(self.broker, "ex/pub", ["-C", "5", "-q", "1"])
        rc, out, err = run_example(["publisher", self.uri, "ex/pub", "5"])
        self.assertEqual(rc, 0, err)
        self.assertIn("5 of 5 messages acknowledged", out)
        rc, got, _ = peer.result()
        self.assertEqual(rc, 0)
        self.assertEqual(got.decode().splitlines(), [f"message {i}" for i in range(1, 6)])

    def test_publisher_without_broker_fails_clearly(self):
        rc, _, err = run_example(["publisher", f"mqtt://127.0.0.1:{free_port()}", "ex/pub", "1"])
        self.assertEqual(rc, 1)
        self.assertIn("no acknowledgement", err)

    def test_subscriber_survives_a_broker_restart(self):
        sub = subprocess.Popen([example("subscriber"), self.uri, "ex/sub/#", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for_line(sub, "connected to")
            self.assertTrue(self.broker.wait_for_log("Sending SUBACK to portmqtt-example-subscriber"))
            mosquitto_pub(self.broker, ["-t", "ex/sub/a", "-m", "before restart", "-q", "1"])
            wait_for_line(sub, "ex/sub/a before restart")
            self.broker.halt()
            self.broker.start_again()
            wait_for_line(sub, "connected to")
            self.assertTrue(self.broker.wait_for_log(
                "Sending SUBACK to portmqtt-example-subscriber", count=2))
            mosquitto_pub(self.broker, ["-t", "ex/sub/b", "-m", "after restart", "-q", "1"])
            wait_for_line(sub, "ex/sub/b after restart")
            self.assertEqual(sub.wait(10), 0)  # the count of 2 is reached: it ends by itself
        finally:
            finish(sub)

    def test_request_response_with_a_paho_responder(self):
        # paho answers our requester: proves the request carries Response Topic and
        # Correlation Data, and that the requester matches the answer by them.
        import paho.mqtt.client as mqtt
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        seen = {}
        responder = mqtt.Client(client_id="paho-responder", protocol=mqtt.MQTTv5)

        def on_message(client, userdata, msg):
            seen["response_topic"] = msg.properties.ResponseTopic
            seen["correlation"] = msg.properties.CorrelationData
            wrong = Properties(PacketTypes.PUBLISH)
            wrong.CorrelationData = b"someone else"
            client.publish(msg.properties.ResponseTopic, b"not yours", 1, properties=wrong)
            right = Properties(PacketTypes.PUBLISH)
            right.CorrelationData = msg.properties.CorrelationData
            client.publish(msg.properties.ResponseTopic, b"answer: " + msg.payload, 1,
                           properties=right)

        subscribed = threading.Event()
        responder.on_message = on_message
        responder.on_subscribe = lambda *args: subscribed.set()
        responder.connect("127.0.0.1", self.broker.port)
        responder.subscribe("portmqtt/example/request", 1)
        responder.loop_start()
        try:
            self.assertTrue(subscribed.wait(10))
            rc, out, err = run_example(["request_response", "ask", self.uri, "what time is it"])
        finally:
            responder.loop_stop()
            responder.disconnect()
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "answer: what time is it\n")
        self.assertTrue(seen["response_topic"].startswith("portmqtt/example/response/"))
        self.assertEqual(seen["correlation"], b"request-1")

    def test_request_response_responder_answers_a_paho_requester(self):
        import paho.mqtt.client as mqtt
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        serve = subprocess.Popen([example("request_response"), "serve", self.uri, "1"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        answers = []
        got = threading.Event()
        requester = mqtt.Client(client_id="paho-requester", protocol=mqtt.MQTTv5)

        def on_message(client, userdata, msg):
            answers.append((msg.payload, msg.properties.CorrelationData))
            got.set()

        requester.on_message = on_message
        try:
            wait_for_line(serve, "serving requests")
            self.assertTrue(self.broker.wait_for_log("Sending SUBACK to portmqtt-example-serve"))
            subscribed = threading.Event()
            requester.on_subscribe = lambda *args: subscribed.set()
            requester.connect("127.0.0.1", self.broker.port)
            requester.subscribe("paho/answers", 1)
            requester.loop_start()
            self.assertTrue(subscribed.wait(10))
            request = Properties(PacketTypes.PUBLISH)
            request.ResponseTopic = "paho/answers"
            request.CorrelationData = b"\x00\x01binary"
            requester.publish("portmqtt/example/request", b"shout this", 1, properties=request)
            self.assertTrue(got.wait(10))
            self.assertEqual(serve.wait(10), 0)  # served its one request
        finally:
            requester.loop_stop()
            requester.disconnect()
            finish(serve)
        self.assertEqual(answers, [(b"SHOUT THIS", b"\x00\x01binary")])

    def test_many_clients_on_one_loop(self):
        clients = 1000
        peer = Peer(self.broker, "ex/many/#", ["-C", str(clients), "-q", "1", "-v"])
        rc, out, err = run_example(["many_clients", self.uri, str(clients), "ex/many"], timeout=60)
        self.assertEqual(rc, 0, err)
        self.assertIn(f"{clients} clients connected", out)
        self.assertIn(f"{clients} messages acknowledged, 0 failed", out)
        rc, got, _ = peer.result()
        self.assertEqual(rc, 0)
        lines = got.decode().splitlines()
        expected = {f"ex/many/{i} hello from client {i}" for i in range(clients)}
        self.assertEqual(len(lines), clients)
        self.assertEqual(set(lines), expected)

    def test_cpp_client_publishes_and_receives(self):
        peer = Peer(self.broker, "ex/cpp", ["-C", "1"])
        rc, out, err = run_example(["cpp_client", self.uri, "ex/cpp"])
        self.assertEqual(rc, 0, err)
        self.assertIn("ex/cpp: hello 0", out)
        rc, got, _ = peer.result()
        self.assertEqual(got, b"hello 0\n")


# CA, server certificate for 127.0.0.1, a client certificate, and an unrelated CA that signed a
# client certificate the broker must refuse.
CERT_SCRIPT = r"""set -e
selfsigned() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$1.key" -out "$1.crt" -days 30 -subj "/CN=$2" 2>/dev/null; }
signed() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days 30 \
  -extfile "$1.ext" -out "$1.crt" 2>/dev/null; }
selfsigned ca "portmqtt examples test CA"
selfsigned other "unrelated CA"
signed server localhost ca "subjectAltName=DNS:localhost,IP:127.0.0.1"
signed client portmqtt-client ca "extendedKeyUsage=clientAuth"
signed stranger stranger other "extendedKeyUsage=clientAuth"
"""


class TlsExampleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="portmqtt-examples-tls-")
        subprocess.run(["/bin/sh", "-c", CERT_SCRIPT], cwd=cls.certs, check=True, timeout=60)
        cls.tls_port = free_port()
        d = cls.certs
        cls.broker = Broker(f"allow_anonymous true\nlistener {cls.tls_port} 127.0.0.1\n"
                            f"cafile {d}/ca.crt\ncertfile {d}/server.crt\nkeyfile {d}/server.key\n"
                            "require_certificate true\n")
        cls.uri = f"mqtts://127.0.0.1:{cls.tls_port}"

    @classmethod
    def tearDownClass(cls):
        cls.broker.stop()
        shutil.rmtree(cls.certs, ignore_errors=True)

    def file(self, name):
        return os.path.join(self.certs, name)

    def test_mutual_tls_publishes(self):
        peer = Peer(self.broker, "ex/tls", ["-C", "1"])
        rc, out, err = run_example(["tls_mutual", self.uri, self.file("ca.crt"),
                                    self.file("client.crt"), self.file("client.key"), "ex/tls",
                                    "secret hello"])
        self.assertEqual(rc, 0, err)
        self.assertIn("published over TLS", out)
        rc, got, _ = peer.result()
        self.assertEqual(got, b"secret hello\n")

    def test_a_client_certificate_of_another_ca_is_refused(self):
        rc, _, err = run_example(["tls_mutual", self.uri, self.file("ca.crt"),
                                  self.file("stranger.crt"), self.file("stranger.key")])
        self.assertEqual(rc, 1)
        self.assertIn("tls_mutual: " + self.uri, err)

    def test_a_broker_of_another_ca_is_refused(self):
        rc, _, err = run_example(["tls_mutual", self.uri, self.file("other.crt"),
                                  self.file("client.crt"), self.file("client.key")])
        self.assertEqual(rc, 1)
        self.assertIn("certificate", err)

    def test_missing_file_is_named(self):
        rc, _, err = run_example(["tls_mutual", self.uri, self.file("none.crt"),
                                  self.file("client.crt"), self.file("client.key")])
        self.assertEqual(rc, 1)
        self.assertIn("cannot read " + self.file("none.crt"), err)


if __name__ == "__main__":
    unittest.main()
