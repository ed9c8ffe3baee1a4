"""`portmqtt pub`: every payload source and flag, observed by mosquitto_sub or in the broker
log (mosquitto logs each CONNECT as "(p<version>, c<clean>, k<keepalive>, u'<user>')")."""

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import unittest

from harness import Broker, BrokerTest, Peer, run, spawn


class PubTest(BrokerTest):
    def pub(self, *args, stdin=None):
        return run(["pub", "-p", self.port] + list(args), stdin=stdin)

    def test_message_qos_retain_reach_a_peer(self):
        code, _, err = self.pub("-t", "t/a", "-m", "hello", "-q", "1", "-r")
        self.assertEqual((code, err), (0, ""))
        # A later subscriber gets the retained message: retain flag 1, QoS min(1, 2) = 1.
        code, out, _ = run(["sub", "-p", self.port, "-t", "t/a", "-q", "2", "-C", "1",
                            "-F", "%r %q %t %p"])
        self.assertEqual((code, out), (0, b"1 1 t/a hello\n"))

    def test_qos2_with_debug_lines(self):
        peer = Peer(self.broker, "t/q2", ["-q", "2", "-C", "1", "-F", "%q %p"])
        code, out, _ = self.pub("-t", "t/q2", "-m", "two", "-q", "2", "-d", "-i", "dbg")
        self.assertEqual(code, 0)
        self.assertEqual(out.decode().splitlines(), [
            "Client dbg sending CONNECT",
            "Client dbg received CONNACK (0)",
            "Client dbg sending PUBLISH (d0, q2, r0, m1, 't/q2', ... (3 bytes))",
            "Client dbg received PUBREC (Mid: 1)",
            "Client dbg sending PUBREL (m1)",
            "Client dbg received PUBCOMP (Mid: 1, RC:0)",
            "Client dbg sending DISCONNECT",
        ])
        self.assertEqual(peer.result()[:2], (0, b"2 two\n"))

    def test_file_with_binary_bytes(self):
        payload = bytes(range(256)) * 4
        path = f"{self.broker.dir}/payload.bin"
        with open(path, "wb") as out:
            out.write(payload)
        peer = Peer(self.broker, "t/file", ["-C", "1", "-F", "%x"])
        self.assertEqual(self.pub("-t", "t/file", "-f", path)[0], 0)
        self.assertEqual(peer.result()[1], payload.hex().encode() + b"\n")

    def test_stdin_whole_binary(self):
        payload = b"\x00\x01line\nnext\r\n\xff\xfe\x00"
        peer = Peer(self.broker, "t/s", ["-C", "1", "-F", "%x"])
        self.assertEqual(self.pub("-t", "t/s", "-s", stdin=payload)[0], 0)
        self.assertEqual(peer.result()[1], payload.hex().encode() + b"\n")

    def test_stdin_lines_each_a_message_empty_lines_included(self):
        peer = Peer(self.broker, "t/l", ["-C", "4", "-F", "[%p]"])
        code, _, err = self.pub("-t", "t/l", "-l", "-q", "1", stdin=b"one\n\ntwo \x00x\nlast")
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(peer.result()[1], b"[one]\n[]\n[two \x00x]\n[last]\n")

    def test_null_message(self):
        peer = Peer(self.broker, "t/n", ["-C", "1", "-F", "%l"])
        self.assertEqual(self.pub("-t", "t/n", "-n")[0], 0)
        self.assertEqual(peer.result()[1], b"0\n")

    def test_repeat(self):
        peer = Peer(self.broker, "t/r", ["-C", "3", "-W", "10"])
        code, _, _ = self.pub("-t", "t/r", "-m", "x", "--repeat", "3", "--repeat-delay", "0.05")
        self.assertEqual(code, 0)
        self.assertEqual(peer.result()[:2], (0, b"x\nx\nx\n"))

    def test_v5_publish_properties(self):
        peer = Peer(self.broker, "t/p", ["-V", "5", "-C", "1", "-F", "%P|%C|%R|%D|%F|%p"])
        code, _, err = self.pub("-V", "5", "-t", "t/p", "-m", "body",
                                "-D", "publish", "user-property", "k", "v",
                                "-D", "publish", "content-type", "text/plain",
                                "-D", "publish", "response-topic", "reply/here",
                                "-D", "publish", "correlation-data", "c0rr",
                                "-D", "publish", "payload-format-indicator", "1")
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(peer.result()[1], b"k:v|text/plain|reply/here|c0rr|1|body\n")

    def test_connect_options_in_broker_log(self):
        code, _, _ = self.pub("-V", "mqttv31", "-i", "c-id", "-k", "17", "-u", "user", "-P", "pw",
                              "-t", "t", "-m", "x")
        self.assertEqual(code, 0)
        self.assertIn("as c-id (p1, c1, k17, u'user')", self.broker.log())
        self.assertEqual(self.pub("-V", "5", "-c", "-i", "keep", "-x", "60", "-t", "t",
                                  "-m", "x")[0], 0)
        self.assertIn("as keep (p5, c0, k60)", self.broker.log())
        self.assertEqual(self.pub("-I", "pre-", "-t", "t", "-m", "x")[0], 0)
        self.assertRegex(self.broker.log(), r"as pre-\d+ \(p2, c1, k60\)")

    def test_bind_address_is_the_source_of_the_connection(self):
        code, _, err = self.pub("-h", "127.0.0.1", "-A", "127.0.0.2", "-i", "bound",
                                "-t", "t", "-m", "x")
        self.assertEqual((code, err), (0, ""))
        self.assertRegex(self.broker.log(), r"New connection from 127\.0\.0\.2:\d+ on port")

    def test_unix_socket(self):
        sock_dir = tempfile.mkdtemp(prefix="portmqtt-unix-")
        path = os.path.join(sock_dir, "mqtt.sock")
        broker = Broker(extra=f"allow_anonymous true\nlistener 0 {path}\n")
        try:
            code, _, err = run(["pub", "--unix", path, "-i", "via-unix", "-q", "1",
                                "-t", "t", "-m", "x"])
            self.assertEqual((code, err), (0, ""))
            self.assertIn(f"New client connected from {path}:0 as via-unix (p2",
                          broker.log())
            self.assertIn("Received PUBLISH from via-unix (d0, q1", broker.log())
        finally:
            broker.stop()
            shutil.rmtree(sock_dir, ignore_errors=True)

    def test_unix_socket_without_a_broker_fails_clearly(self):
        sock_dir = tempfile.mkdtemp(prefix="portmqtt-unix-")
        try:
            code, _, err = run(["pub", "--unix", os.path.join(sock_dir, "none.sock"),
                                "-t", "t", "-m", "x"])
            self.assertNotEqual(code, 0)
            self.assertIn("Error", err)
        finally:
            shutil.rmtree(sock_dir, ignore_errors=True)

    def test_url_gives_host_port_user_and_topic(self):
        peer = Peer(self.broker, "t/url", ["-C", "1", "-v"])
        code, _, err = run(["pub", "-L", f"mqtt://us%40r:pw@127.0.0.1:{self.port}/t/url",
                            "-m", "via-url"])
        self.assertEqual((code, err), (0, ""))
        self.assertIn("u'us@r'", self.broker.log())
        self.assertEqual(peer.result()[1], b"t/url via-url\n")

    def test_will_is_sent_in_connect(self):
        code, _, _ = self.pub("-t", "t", "-m", "x", "--will-topic", "w/t", "--will-payload",
                              "gone", "--will-qos", "1", "--will-retain")
        self.assertEqual(code, 0)
        self.assertIn("Will message specified (4 bytes) (r1, q1).", self.broker.log())
        self.assertIn("\tw/t", self.broker.log())

    def test_topic_alias_above_broker_maximum_is_not_sent(self):
        # mosquitto allows aliases 1..10 by default and disconnects a client that uses 11.
        peer = Peer(self.broker, "t/alias", ["-V", "5", "-C", "2", "-v"])
        code, _, err = self.pub("-V", "5", "-t", "t/alias", "-m", "m", "--repeat", "2",
                                "-D", "publish", "topic-alias", "11")
        self.assertEqual(code, 0)
        self.assertIn("Topic Alias Maximum 10", err)
        self.assertEqual(peer.result()[1], b"t/alias m\nt/alias m\n")

    def test_topic_alias_within_maximum_names_the_topic_once(self):
        peer = Peer(self.broker, "t/alias2", ["-V", "5", "-C", "3", "-v"])
        code, _, err = self.pub("-V", "5", "-t", "t/alias2", "-m", "m", "--repeat", "3",
                                "-D", "publish", "topic-alias", "3")
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(peer.result()[1], b"t/alias2 m\n" * 3)


class PubFailureTest(BrokerTest):
    broker_config = "allow_anonymous false\n"

    def test_refused_v311_exit_code_is_return_code(self):
        code, _, err = run(["pub", "-p", self.port, "-t", "t", "-m", "x"])
        self.assertEqual((code, err), (5, "Connection error: Connection Refused: not authorised.\n"))

    def test_refused_v5_exit_code_is_reason_code(self):
        code, _, err = run(["pub", "-p", self.port, "-V", "5", "-t", "t", "-m", "x"])
        self.assertEqual((code, err), (0x87, "Connection error: Not authorized\n"))

    def test_quiet_silences_runtime_errors(self):
        code, _, err = run(["pub", "-p", self.port, "--quiet", "-t", "t", "-m", "x"])
        self.assertEqual((code, err), (5, ""))


class PubLostConnectionTest(BrokerTest):
    def test_no_broker(self):
        self.broker.stop()
        code, _, err = run(["pub", "-p", self.port, "-t", "t", "-m", "x"])
        self.assertEqual((code, err), (1, "Error: Connection refused\n"))


class FakeBroker:
    """Accepts one client, answers CONNECT with CONNACK, then sends `after` bytes."""

    def __init__(self, after):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = str(self.server.getsockname()[1])
        self.thread = threading.Thread(target=self.serve, args=(after,), daemon=True)
        self.thread.start()

    def serve(self, after):
        conn, _ = self.server.accept()
        with conn:
            conn.recv(1024)  # CONNECT
            conn.sendall(bytes([0x20, 0x02,  # CONNACK, remaining length 2
                                0x00,        # session present 0
                                0x00]))      # return code 0: accepted
            conn.recv(1024)  # PUBLISH
            conn.sendall(after)
            conn.recv(1024)  # whatever the client sends before it closes

    def close(self):
        self.thread.join(5)
        self.server.close()


class PubMalformedTest(unittest.TestCase):
    def test_malformed_packet_ends_pub(self):
        broker = FakeBroker(bytes([0x40, 0x05,  # PUBACK with remaining length 5 (must be 2)
                                   0x00, 0x01, 0x00, 0x00, 0x00]))
        code, _, err = run(["pub", "-p", broker.port, "-t", "t", "-m", "x", "-q", "1"])
        broker.close()
        self.assertNotEqual(code, 0)
        self.assertIn("Error: ", err)


def read_packet(conn):
    """(first byte, body) of the next MQTT packet, or None when the peer closed."""
    head = conn.recv(1)
    if not head:
        return None
    length, shift = 0, 0
    while True:  # remaining length: 7 bits a byte, high bit set while more follow
        byte = conn.recv(1)[0]
        length |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    body = b""
    while len(body) < length:
        body += conn.recv(length - len(body))
    return head[0], body


class WithholdingBroker:
    """Accepts one MQTT 3.1.1 client and withholds PUBACK: it reads the QoS 1 PUBLISHes that
    arrive and acknowledges them all once `window` have arrived and no more come for `quiet`
    seconds, or, for a last batch smaller than the window, once none come for `patience`
    seconds. `batches` lists how many PUBLISHes arrived each time before their PUBACKs were
    sent. A client that keeps more than `window` in flight shows a batch above the window; one
    that is merely slow between two PUBLISHes (a loaded machine) does not split a batch unless
    it stalls for `patience`."""

    def __init__(self, window, quiet=0.5, patience=3):
        self.window = window
        self.quiet = quiet
        self.patience = patience
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = str(self.server.getsockname()[1])
        self.batches = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        conn, _ = self.server.accept()
        with conn:
            read_packet(conn)  # CONNECT
            conn.sendall(bytes([0x20, 0x02, 0x00, 0x00]))  # CONNACK: no session, accepted
            pending = []
            while True:
                # Proving that nothing more is sent needs a quiet period: there is no event.
                if not pending:
                    conn.settimeout(20)
                else:
                    conn.settimeout(self.quiet if len(pending) >= self.window else self.patience)
                try:
                    packet = read_packet(conn)
                except socket.timeout:
                    self.batches.append(len(pending))
                    for packet_id in pending:
                        conn.sendall(bytes([0x40, 0x02]) + packet_id)  # PUBACK, 2 bytes: id
                    pending = []
                    continue
                if packet is None or packet[0] == 0xE0:  # closed, or DISCONNECT
                    return
                first, body = packet
                if first >> 4 == 3:  # PUBLISH: topic length, topic, packet id
                    topic_end = 2 + int.from_bytes(body[:2], "big")
                    pending.append(body[topic_end:topic_end + 2])

    def close(self):
        self.thread.join(30)
        self.server.close()


class PubMaxInflightTest(unittest.TestCase):
    def test_at_most_M_publishes_wait_for_their_puback(self):
        broker = WithholdingBroker(window=3)
        code, _, err = run(["pub", "-p", broker.port, "-t", "t", "-m", "x", "-q", "1",
                            "--repeat", "7", "-M", "3"])
        broker.close()
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(broker.batches, [3, 3, 1])

    def test_default_is_twenty(self):
        broker = WithholdingBroker(window=20)
        code, _, _ = run(["pub", "-p", broker.port, "-t", "t", "-m", "x", "-q", "1",
                          "--repeat", "25"])
        broker.close()
        self.assertEqual((code, broker.batches), (0, [20, 5]))


if __name__ == "__main__":
    unittest.main()
