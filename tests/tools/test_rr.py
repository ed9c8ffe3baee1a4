"""`portmqtt rr` side by side with mosquitto_rr 2.0.11: a paho responder answers every request
on its Response Topic; both tools must print the same and exit the same."""

import socket
import subprocess
import threading
import time
import unittest

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from harness import PORTMQTT, TIMEOUT, BrokerTest, free_port


class Responder:
    """Answers "answer to <payload>" on the request's Response Topic (or 'fallback' without
    one), copying the Correlation Data; records what it received."""

    def __init__(self, port):
        self.requests = []
        self.ready = threading.Event()
        self.client = mqtt.Client(client_id="responder", protocol=mqtt.MQTTv5)
        self.client.on_message = self.on_message
        self.client.on_subscribe = lambda *args: self.ready.set()
        self.client.connect("127.0.0.1", port)
        self.client.subscribe("req/#", qos=2)
        self.client.loop_start()
        if not self.ready.wait(10):
            raise RuntimeError("responder did not subscribe")

    def on_message(self, client, userdata, message):
        props = message.properties
        response_topic = getattr(props, "ResponseTopic", None)
        correlation = getattr(props, "CorrelationData", None)
        self.requests.append((message.topic, message.payload, response_topic, correlation,
                              message.qos))
        reply = Properties(PacketTypes.PUBLISH)
        if correlation:
            reply.CorrelationData = correlation
        client.publish(response_topic or "fallback", b"answer to " + message.payload, qos=1,
                       properties=reply)

    def stop(self):
        self.client.loop_stop()
        self.client.disconnect()


class RrTest(BrokerTest):
    def setUp(self):
        super().setUp()
        self.responder = Responder(self.broker.port)
        self.addCleanup(self.responder.stop)

    def both(self, args, stdin=None, timeout=TIMEOUT):
        results = []
        for command in (["mosquitto_rr"], [PORTMQTT, "rr"]):
            done = subprocess.run(command + ["-p", self.port] + args, input=stdin,
                                  capture_output=True, timeout=timeout)
            results.append((done.returncode, done.stdout, done.stderr.decode(errors="replace")))
        return results

    def test_response_printed_like_mosquitto_rr(self):
        for extra in ([], ["-v"], ["-N"], ["-F", "%t %p"], ["-q", "1"], ["-q", "2"]):
            theirs, ours = self.both(["-t", "req/x", "-e", "resp/x", "-m", "hello"] + extra)
            self.assertEqual(theirs[:2], (0, b"answer to hello\n") if not extra else theirs[:2])
            self.assertEqual(ours, theirs, extra)
        # The request carried the response topic, with the tools' QoS; no correlation data
        # unless asked for (mosquitto_rr adds none).
        self.assertEqual(self.responder.requests[-1], ("req/x", b"hello", "resp/x", None, 2))

    def test_debug_lines_equal_mosquitto_rr(self):
        theirs, ours = self.both(["-t", "req/x", "-e", "resp/x", "-m", "a", "-q", "1", "-d",
                                  "-i", "rr-id"])
        # mosquitto_rr sends DISCONNECT without printing it; we print it as mosquitto_pub and
        # mosquitto_sub do.
        self.assertEqual(ours, (theirs[0], theirs[1] + b"Client rr-id sending DISCONNECT\n",
                                theirs[2]))
        self.assertIn(b"Client rr-id received PUBACK (Mid: 2, RC:0)\n", ours[1])

    def test_payload_sources_and_properties(self):
        theirs, ours = self.both(["-t", "req/x", "-e", "resp/x", "-n"])
        self.assertEqual(ours, theirs)
        _, ours = self.both(["-t", "req/x", "-e", "resp/x", "-m", "c", "-D", "publish",
                             "correlation-data", "abc"])
        self.assertEqual(ours[:2], (0, b"answer to c\n"))
        self.assertEqual(self.responder.requests[-1][3], b"abc")
        # -s sends stdin (mosquitto_rr 2.0.11 sends an empty payload here).
        done = subprocess.run([PORTMQTT, "rr", "-p", self.port, "-t", "req/x", "-e", "resp/x",
                               "-s"], input=b"from stdin", capture_output=True, timeout=TIMEOUT)
        self.assertEqual((done.returncode, done.stdout), (0, b"answer to from stdin\n"))

    def test_timeout_without_response(self):
        theirs, ours = self.both(["-t", "nobody", "-e", "resp/none", "-m", "x", "-W", "1"])
        self.assertEqual(theirs, (27, b"", "Timed out\n"))
        self.assertEqual(ours, theirs)

    def test_mqtt311_waits_on_the_response_topic(self):
        # Without MQTT 5 there is no Response Topic: the responder uses its fallback topic.
        theirs, ours = self.both(["-V", "311", "-t", "req/x", "-e", "fallback", "-m", "old"])
        self.assertEqual(ours, theirs)
        self.assertEqual(ours[:2], (0, b"answer to old\n"))

    def test_broker_list_skips_a_broker_that_is_down(self):
        down = free_port()
        done = subprocess.run([PORTMQTT, "rr", "-d", "-h", "127.0.0.1", "-L",
                               f"mqtt://127.0.0.1:{down}/req/x", "-L",
                               f"mqtt://127.0.0.1:{self.port}/req/x", "-e", "resp/x", "-m", "l"],
                              capture_output=True, timeout=TIMEOUT)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(f"connecting to mqtt://127.0.0.1:{down} (broker 1 of 2)".encode(),
                      done.stdout)
        self.assertIn(b"\nanswer to l\n", done.stdout)

    def test_through_a_socks5_proxy(self):
        port = free_port()
        proxy = subprocess.Popen(["microsocks", "-i", "127.0.0.1", "-p", str(port)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(500):
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.01)
            theirs, ours = self.both(["--proxy", f"socks5h://127.0.0.1:{port}", "-t", "req/x",
                                      "-e", "resp/x", "-m", "p"])
            self.assertEqual(ours, theirs)
            self.assertEqual(ours[:2], (0, b"answer to p\n"))
        finally:
            proxy.terminate()
            proxy.wait(10)


if __name__ == "__main__":
    unittest.main()
