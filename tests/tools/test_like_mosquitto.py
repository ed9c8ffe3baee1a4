"""Side by side with mosquitto_pub / mosquitto_sub 2.0.11: the same situation gives the same
exit code (and, where the text is the point, the same output)."""

import subprocess
import threading
import time
import unittest

from harness import (PORTMQTT, TIMEOUT, Broker, BrokerTest, Peer, ScriptedBroker, free_port, run,
                     spawn)


def mosquitto(tool, args, stdin=None, timeout=TIMEOUT):
    done = subprocess.run([tool] + args, input=stdin, capture_output=True, timeout=timeout)
    return done.returncode, done.stdout, done.stderr.decode(errors="replace")


class ExitCodeTest(unittest.TestCase):
    def scripted(self, script):
        broker = ScriptedBroker(script)
        self.addCleanup(broker.stop)
        return str(broker.port)

    def test_connection_lost_while_publishing_is_7(self):
        # The broker drops the connection when the QoS 1 PUBLISH arrives.
        port = self.scripted(lambda kind, n, body: "close" if kind == "publish" else None)
        args = ["-p", port, "-t", "t", "-m", "x", "-q", "1"]
        theirs = mosquitto("mosquitto_pub", args)
        ours = run(["pub"] + args)
        self.assertEqual(theirs[0], 7, theirs)
        self.assertEqual(ours[0], 7, ours)
        self.assertTrue(ours[2].startswith("Error: The connection was lost"), ours[2])

    def test_malformed_suback_ends_sub_with_2(self):
        # A SUBACK with only one byte: malformed. mosquitto_sub exits; it does not reconnect.
        broker = ScriptedBroker(
            lambda kind, n, body: bytes([0x90, 1, 0]) if kind == "subscribe" else None)
        self.addCleanup(broker.stop)
        args = ["-p", str(broker.port), "-t", "t"]
        theirs = mosquitto("mosquitto_sub", args)
        ours = run(["sub"] + args)
        self.assertEqual(theirs[0], 2, theirs)
        self.assertEqual(ours[0], 2, ours)
        self.assertTrue(ours[2].startswith(
            "Error: A network protocol error occurred when communicating with the broker"),
            ours[2])
        self.assertEqual(ours[2].count("\n"), 1, ours[2])
        self.assertEqual(broker.connections, 2)  # one each: no reconnect loop

    def test_malformed_packet_after_connack_ends_pub_with_2(self):
        port = self.scripted(
            lambda kind, n, body: bytes([0x20, 2, 0, 0, 0x00, 0x00]) if kind == "connect" else None)
        args = ["-p", port, "-t", "t", "-m", "x", "-q", "1"]
        theirs = mosquitto("mosquitto_pub", args)
        ours = run(["pub"] + args)
        self.assertEqual(theirs[0], 2, theirs)
        self.assertEqual(ours[0], 2, ours)

    def test_tls_failure_is_8(self):
        # TLS to a plain MQTT listener: the handshake fails.
        broker = Broker()
        self.addCleanup(broker.stop)
        args = ["-p", str(broker.port), "-t", "t", "-m", "x", "--cafile", "/etc/ssl/certs/ca-certificates.crt"]
        theirs = mosquitto("mosquitto_pub", args)
        ours = run(["pub"] + args)
        self.assertEqual(theirs[0], 8, theirs)
        self.assertEqual(ours[0], 8, ours)
        self.assertTrue(ours[2].startswith("Error: "), ours[2])

    def test_connection_refused_is_1(self):
        port = str(free_port())
        for tool, ours_args in (("mosquitto_pub", ["pub", "-t", "t", "-m", "x"]),
                                ("mosquitto_sub", ["sub", "-t", "t"])):
            theirs = mosquitto(tool, ["-p", port] + ours_args[1:])
            ours = run(ours_args + ["-p", port])
            self.assertEqual((theirs[0], ours[0]), (1, 1))
            self.assertEqual((theirs[2], ours[2]), ("Error: Connection refused\n",) * 2)

    def test_failed_lookup_is_1_with_the_same_words(self):
        # ".invalid" never resolves (RFC 6761); no packet leaves the machine.
        for tool, ours_args in (("mosquitto_pub", ["pub", "-t", "t", "-m", "x"]),
                                ("mosquitto_sub", ["sub", "-t", "t"])):
            args = ["-h", "no-such-host.invalid", "-p", "1"]
            theirs = mosquitto(tool, args + ours_args[1:])
            ours = run(ours_args + args)
            self.assertEqual((theirs[0], theirs[2]), (1, "Unable to connect (Lookup error.).\n"))
            self.assertEqual((ours[0], ours[2]), (theirs[0], theirs[2]))


class ValidationTest(unittest.TestCase):
    def same_refusal(self, tool, args):
        theirs = mosquitto(tool, ["-p", str(free_port())] + args, timeout=5)
        ours = run([tool.split("_")[1], "-p", str(free_port())] + args, timeout=5)
        self.assertEqual(theirs[0], 1, theirs)
        self.assertEqual(ours[0], 1, ours)
        # mosquitto's first line, word for word.
        self.assertEqual(ours[2].splitlines()[0], theirs[2].splitlines()[0])

    def test_zero_timeout_and_count_refused(self):
        self.same_refusal("mosquitto_sub", ["-t", "a", "-W", "0"])
        self.same_refusal("mosquitto_sub", ["-t", "a", "-W", "-3"])
        self.same_refusal("mosquitto_sub", ["-t", "a", "-C", "0"])
        self.same_refusal("mosquitto_sub", ["-t", "a", "-C", "-1"])

    def test_keepalive_below_5_refused(self):
        for value in ("0", "4", "65536"):
            self.same_refusal("mosquitto_sub", ["-t", "a", "-k", value])
            self.same_refusal("mosquitto_pub", ["-t", "a", "-m", "x", "-k", value])

    def test_empty_client_id_refused_in_the_same_words(self):
        for tool, args, words in (
                ("mosquitto_pub", ["-t", "a", "-m", "x", "-i", ""], "Invalid id."),
                ("mosquitto_sub", ["-t", "a", "-i", ""], "Invalid id and/or clean_session."),
                ("mosquitto_rr", ["-t", "a", "-e", "b", "-m", "x", "-i", ""],
                 "Invalid id and/or clean_session.")):
            theirs = mosquitto(tool, ["-p", str(free_port())] + args, timeout=5)
            ours = run([tool.split("_")[1], "-p", str(free_port())] + args, timeout=5)
            self.assertEqual(theirs[::2], (1, "Error: " + words + "\n"))
            self.assertEqual(ours[::2], theirs[::2])

    def test_port_zero_refused(self):
        # mosquitto fails on it (with "No such file or directory"); we say why, in the words it
        # uses for the ports it does check.
        theirs = mosquitto("mosquitto_pub", ["-p", "0", "-t", "a", "-m", "x"], timeout=5)
        ours = run(["pub", "-p", "0", "-t", "a", "-m", "x"], timeout=5)
        self.assertEqual((theirs[0], ours[0]), (1, 1))
        self.assertTrue(ours[2].startswith("Error: Invalid port given: 0\n"), ours[2])

    def same_words(self, tool, args):
        """The whole of stderr, empty lines included, but for the program's name."""
        theirs = mosquitto(tool, args, timeout=5)
        ours = run([tool.split("_")[1]] + args, timeout=5)
        self.assertEqual(theirs[0], 1, theirs)
        expected = theirs[2].replace(f"'{tool} --help'", f"'portmqtt {tool.split('_')[1]} --help'")
        self.assertEqual((ours[0], ours[2]), (1, expected), [str(arg)[:40] for arg in args])

    def test_unknown_options_in_the_same_words(self):
        for tool, args in (("mosquitto_pub", ["-t", "a", "-m", "x", "-z"]),
                           ("mosquitto_pub", ["--bogus", "-t", "a"]),
                           ("mosquitto_pub", ["-t", "a", "-m", "x", "stray"]),
                           ("mosquitto_sub", ["-t", "a", "stray"]),
                           ("mosquitto_sub", ["-t", "a", "-l"]),
                           ("mosquitto_rr", ["-t", "a", "-e", "b", "-m", "x", "-C", "1"])):
            self.same_words(tool, args)

    def test_an_option_without_its_value_in_the_same_words(self):
        for tool, option in (("mosquitto_pub", "-t"), ("mosquitto_pub", "-m"),
                             ("mosquitto_pub", "-q"), ("mosquitto_pub", "--topic"),
                             ("mosquitto_pub", "-V"), ("mosquitto_pub", "-D"),
                             ("mosquitto_pub", "-M"), ("mosquitto_pub", "--id-prefix"),
                             ("mosquitto_pub", "--will-payload"), ("mosquitto_pub", "--cafile"),
                             ("mosquitto_sub", "-T"), ("mosquitto_sub", "-C"),
                             ("mosquitto_sub", "-x"), ("mosquitto_rr", "-e"),
                             ("mosquitto_rr", "-W")):
            self.same_words(tool, [option])

    def test_topics_mosquitto_finds_malformed_in_the_same_words(self):
        # Broken UTF-8, a control character, a non-character, a surrogate, and topics one and
        # many bytes longer than an MQTT string (mosquitto words the two differently).
        for topic in (b"\xff", b"a\x01b", b"a\xef\xbf\xbeb", b"\xed\xa0\x80", b"a" * 65536,
                      b"a" * 70000):
            self.same_words("mosquitto_pub", ["-t", topic, "-m", "x"])
            self.same_words("mosquitto_sub", ["-t", topic])
            self.same_words("mosquitto_sub", ["-t", "ok", "-T", topic])
            self.same_words("mosquitto_pub", ["-t", "ok", "-m", "x", "--will-topic", topic])
            self.same_words("mosquitto_rr", ["-t", "ok", "-m", "x", "-e", topic])

    def test_tls_flags_that_do_not_fit_in_the_same_words(self):
        ca = "/etc/ssl/certs/ca-certificates.crt"
        pub = ["-t", "a", "-m", "x"]
        for args in (["--cert", "/etc/hostname"], ["--key", "/etc/hostname"],
                     ["--keyform", "pem"], ["--psk", "abcd"],
                     ["--psk", "aa", "--psk-identity", "i", "--cafile", ca]):
            self.same_words("mosquitto_pub", pub + args)
        for args in (["--cafile", "/nonexistent"], ["--psk", "zz", "--psk-identity", "i"],
                     ["--cafile", ca, "--cert", "/nonexistent", "--key", "/nonexistent"],
                     ["-P", "secret"]):
            theirs = mosquitto("mosquitto_pub", ["-p", str(free_port())] + pub + args, timeout=5)
            ours = run(["pub", "-p", str(free_port())] + pub + args, timeout=5)
            self.assertEqual(ours[::2], theirs[::2], args)
            self.assertEqual(theirs[0], 1)

    def test_bad_values_in_the_same_words(self):
        pub = ["-t", "a", "-m", "x"]
        for tool, args in (
                ("mosquitto_pub", pub + ["-q", "3"]),
                ("mosquitto_sub", ["-t", "a", "-q", "-1"]),
                ("mosquitto_pub", pub + ["--will-topic", "w", "--will-qos", "3"]),
                ("mosquitto_pub", pub + ["--will-payload", "p"]),
                ("mosquitto_pub", pub + ["--will-retain"]),
                ("mosquitto_pub", pub + ["-V", "6"]),
                ("mosquitto_pub", pub + ["-p", "70000"]),
                ("mosquitto_pub", pub + ["-x", "abc"]),
                ("mosquitto_pub", pub + ["-x", "-5"]),
                ("mosquitto_pub", pub + ["-M", "0"]),
                ("mosquitto_sub", ["-t", "a", "-M", "0"]),
                ("mosquitto_pub", pub + ["--repeat", "0"]),
                ("mosquitto_pub", pub + ["--repeat-delay", "-1"]),
                ("mosquitto_pub", pub + ["-i", "x", "-I", "y"]),
                ("mosquitto_pub", pub + ["-c"]),
                ("mosquitto_sub", ["-t", "a", "-c", "-I", "p"]),
                ("mosquitto_sub", ["-t", "a", "-c", "-V", "5"]),
                ("mosquitto_rr", ["-t", "a", "-e", "b", "-m", "x", "-c"]),
                ("mosquitto_pub", pub + ["-m", "y"]),
                ("mosquitto_pub", pub + ["-n"]),
                ("mosquitto_rr", ["-t", "a", "-e", "b", "-m", "x", "-n"]),
                ("mosquitto_pub", pub + ["-V", "5", "-D", "foo", "topic-alias", "1"]),
                ("mosquitto_pub", pub + ["-V", "5", "-D", "publish", "nope", "1"]),
                ("mosquitto_pub", pub + ["-V", "5", "-D", "connect", "topic-alias", "1"]),
                ("mosquitto_pub", pub + ["-V", "5", "-D", "publish", "topic-alias", "70000"]),
                ("mosquitto_pub", pub + ["-V", "5", "-D", "publish", "user-property", "a"])):
            self.same_refusal(tool, args)

    def test_rr_missing_pieces_and_wildcard_response_topic(self):
        self.same_refusal("mosquitto_rr", ["-t", "req", "-m", "x"])
        self.same_refusal("mosquitto_rr", ["-t", "req", "-e", "resp/#", "-m", "x"])


class PropertiesOnV311Test(BrokerTest):
    def test_properties_without_v5_are_ignored_with_a_warning(self):
        # mosquitto_pub accepts -D on MQTT 3.1.1 and sends the message without it.
        args = ["-p", self.port, "-t", "p", "-m", "x", "-D", "publish", "content-type", "a"]
        peer = Peer(self.broker, "p", ["-C", "2"])
        theirs = mosquitto("mosquitto_pub", args)
        ours = run(["pub"] + args)
        self.assertEqual((theirs[0], ours[0]), (0, 0))
        self.assertEqual(ours[2], "Warning: -D properties are sent only with MQTT v5 (-V 5); "
                                  "ignored.\n")
        self.assertEqual(peer.result()[:2], (0, b"x\nx\n"))

    def test_session_expiry_without_v5_is_ignored_with_a_warning(self):
        # mosquitto's tools take -x on MQTT 3.1.1 and connect without it; the will topic is
        # checked in their words.
        args = ["-p", self.port, "-t", "p", "-m", "y", "-x", "10"]
        peer = Peer(self.broker, "p", ["-C", "2"])
        theirs = mosquitto("mosquitto_pub", args)
        ours = run(["pub"] + args)
        self.assertEqual((theirs[0], ours[0]), (0, 0))
        self.assertEqual(ours[2], "Warning: -x (session expiry) is sent only with MQTT v5 "
                                  "(-V 5); ignored.\n")
        self.assertEqual(peer.result()[:2], (0, b"y\ny\n"))
        will = args[:-2] + ["--will-topic", "w/+"]
        theirs = mosquitto("mosquitto_pub", will)
        ours = run(["pub"] + will)
        self.assertEqual((theirs[0], ours[0]), (1, 1))
        self.assertEqual(ours[2].splitlines()[0], theirs[2].splitlines()[0])


class RepeatedOptionsTest(BrokerTest):
    def test_the_last_of_a_repeated_option_counts(self):
        # mosquitto's tools keep the last -p, -q, -i, -k: wrappers that add defaults rely on it.
        args = ["-p", str(free_port()), "-p", self.port, "-q", "2", "-q", "1", "-k", "5", "-k",
                "30", "-i", "first", "-i", "repeated-id", "-t", "rep", "-m", "x"]
        peer = Peer(self.broker, "rep", ["-C", "2", "-v"])
        theirs = mosquitto("mosquitto_pub", args)
        ours = run(["pub"] + args)
        self.assertEqual((theirs[0], ours[0]), (0, 0), (theirs, ours))
        self.assertEqual(peer.result()[:2], (0, b"rep x\nrep x\n"))
        self.assertTrue(self.broker.wait_for_log("New client connected from"), "no connection")

    def test_the_port_given_last_counts_between_p_and_l(self):
        # mosquitto's tools read -L and -p in order: the last port given counts.
        peer = Peer(self.broker, "order", ["-C", "4"])
        url = f"mqtt://127.0.0.1:{self.port}/order"
        for args in (["-p", str(free_port()), "-L", url, "-m", "first"],
                     ["-L", url.replace(self.port, str(free_port())), "-p", self.port, "-m",
                      "second"]):
            theirs = mosquitto("mosquitto_pub", args)
            ours = run(["pub"] + args)
            self.assertEqual((theirs[0], ours[0]), (0, 0), (args, theirs, ours))
        self.assertEqual(peer.result()[:2], (0, b"first\nfirst\nsecond\nsecond\n"))

    def test_a_client_certificate_without_a_ca_connects_without_tls(self):
        # As mosquitto's tools: only a CA (or the system's, or a PSK) turns TLS on.
        args = ["-p", self.port, "-t", "plain", "-m", "x", "--cert", "/etc/hostname", "--key",
                "/etc/hostname"]
        theirs = mosquitto("mosquitto_pub", args)
        ours = run(["pub"] + args)
        self.assertEqual((theirs[0], ours[0]), (0, 0), (theirs, ours))

    def test_an_empty_topic_connects_then_fails_the_publish_as_mosquitto_pub(self):
        peer = Peer(self.broker, "#", ["-W", "2", "-v"])
        for args in (["-t", "", "-m", "x"], ["-t", "", "-m", "x", "-q", "1", "-V", "5"]):
            theirs = mosquitto("mosquitto_pub", ["-p", self.port] + args)
            ours = run(["pub", "-p", self.port] + args)
            self.assertEqual(theirs, (0, b"", "Error: Invalid input. Does your topic contain "
                                              "'+' or '#'?\n"))
            self.assertEqual(ours, theirs)
        code, out, _ = peer.result()
        self.assertEqual(out, b"")  # nothing reached the broker
        self.assertEqual(code, 27)  # mosquitto_sub's exit code after -W


class RefusedPublishTest(BrokerTest):
    # mosquitto 2.0.11 answers an MQTT 5 PUBLISH above message_size_limit with PUBACK/PUBREC
    # reason 0x95, a code the specification does not list for them.
    broker_config = "allow_anonymous true\nmessage_size_limit 100\n"

    def test_a_refused_publish_is_a_warning_as_with_mosquitto_pub(self):
        big = b"x" * 300
        for qos in ("1", "2"):
            args = ["-p", self.port, "-V", "5", "-q", qos, "-t", "big", "-s"]
            theirs = mosquitto("mosquitto_pub", args, stdin=big)
            ours = run(["pub"] + args, stdin=big)
            self.assertEqual(theirs, (0, b"", "Warning: Publish 1 failed: Packet too large.\n"))
            self.assertEqual(ours, theirs)


class DebugLinesTest(BrokerTest):
    def sub_debug(self, command, round_number):
        sub = subprocess.Popen(command + ["-p", self.port, "-i", "same-id", "-t", "dq", "-q", "2",
                                          "-C", "1", "-d"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
        self.assertTrue(self.broker.wait_for_log("Sending SUBACK to same-id", count=round_number))
        subprocess.run(["mosquitto_pub", "-p", self.port, "-t", "dq", "-m", "zz", "-q", "2"],
                       check=True, timeout=TIMEOUT)
        out, _ = sub.communicate(timeout=TIMEOUT)
        return sub.returncode, out.decode().splitlines()

    def test_qos2_sub_debug_lines_equal_mosquitto_sub(self):
        theirs = self.sub_debug(["mosquitto_sub"], 1)
        ours = self.sub_debug([PORTMQTT, "sub"], 2)
        self.assertEqual(ours, theirs)
        self.assertIn("Client same-id sending PUBCOMP (m1)", ours[1])

    def test_keepalive_pings_are_printed(self):
        # The PINGREQ is due a few seconds after the SUBSCRIBE; -W leaves a slow start room.
        code, out, _ = run(["sub", "-p", self.port, "-i", "pinger", "-t", "k", "-k", "5",
                            "-W", "8", "-d"])
        lines = out.decode().splitlines()
        self.assertEqual(code, 27)
        self.assertIn("Client pinger sending PINGREQ", lines)
        self.assertIn("Client pinger received PINGRESP", lines)
        self.assertLess(lines.index("Client pinger sending PINGREQ"),
                        lines.index("Client pinger received PINGRESP"))


class Qos2CountTest(BrokerTest):
    def test_count_completes_the_last_qos2_exchange(self):
        sub = spawn(["sub", "-p", self.port, "-i", "c2", "-t", "q", "-q", "2", "-C", "1"])
        self.assertTrue(self.broker.wait_for_log("Sending SUBACK to c2"))
        subprocess.run(["mosquitto_pub", "-p", self.port, "-t", "q", "-m", "last", "-q", "2"],
                       check=True, timeout=TIMEOUT)
        out, _ = sub.communicate(timeout=TIMEOUT)
        self.assertEqual((sub.returncode, out), (0, b"last\n"))
        self.assertTrue(self.broker.wait_for_log("Received DISCONNECT from c2"))
        log = self.broker.log()
        # The broker saw our PUBREC and PUBCOMP, and only then the DISCONNECT.
        rec = log.index("Received PUBREC from c2")
        comp = log.index("Received PUBCOMP from c2")
        self.assertLess(rec, comp)
        self.assertLess(comp, log.index("Received DISCONNECT from c2"))


class RestartTest(unittest.TestCase):
    """mosquitto restarted while `pub -l` / `pub -s` run: mosquitto_pub -l reconnects and sends
    the following lines; so do we, and an independent subscriber counts every line."""

    def setUp(self):
        # queue_qos0_messages: the counter's session also keeps QoS 0 messages while it
        # reconnects, so that only the publisher can lose them.
        self.broker = Broker("allow_anonymous true\npersistence true\n"
                             "persistence_location {dir}/\nqueue_qos0_messages true\n")
        self.addCleanup(self.broker.stop)
        self.port = str(self.broker.port)

    def counter(self, client_id):
        # A persistent QoS 1 session: what arrives while it is away waits in the broker.
        return subprocess.Popen(["mosquitto_sub", "-p", self.port, "-i", client_id, "-c", "-q",
                                 "1", "-t", "lines"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)

    @staticmethod
    def read_until(process, wanted, timeout=TIMEOUT):
        """Lines of `process`'s output until all of `wanted` arrived (or the time is up)."""
        got = []
        reader = threading.Thread(target=lambda: [got.append(line.decode().rstrip("\n"))
                                                  for line in process.stdout], daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not wanted <= set(got):
            time.sleep(0.05)
        return list(got)

    def test_pub_lines_survive_a_broker_restart_qos1(self):
        self.lines_survive_a_restart("1")

    def test_pub_lines_survive_a_broker_restart_qos0(self):
        self.lines_survive_a_restart("0")

    def lines_survive_a_restart(self, qos):
        counter = self.counter("counter")
        self.assertTrue(self.broker.wait_for_log("Sending SUBACK to counter"))
        pub = spawn(["pub", "-p", self.port, "-i", "liner", "-t", "lines", "-l", "-q", qos],
                    stdin=subprocess.PIPE)
        self.addCleanup(lambda: pub.poll() is None and pub.kill())
        for i in range(5):
            pub.stdin.write(f"before {i}\n".encode())
        pub.stdin.flush()
        self.assertTrue(self.broker.wait_for_log("Sending PUBLISH to counter", count=5))
        self.broker.halt()
        # Once the publisher has seen the connection end, what it reads waits for the next
        # one. (A QoS 0 message written to the socket as the broker went away is lost, as
        # QoS 0 allows; QoS 1 would be resent.)
        time.sleep(1.0)
        for i in range(5):  # read while the broker is down
            pub.stdin.write(f"during {i}\n".encode())
        pub.stdin.flush()
        time.sleep(0.3)
        self.broker.start_again()
        for i in range(5):
            pub.stdin.write(f"after {i}\n".encode())
        pub.stdin.close()
        self.assertEqual(pub.wait(timeout=TIMEOUT), 0)
        expected = ([f"before {i}" for i in range(5)] + [f"during {i}" for i in range(5)]
                    + [f"after {i}" for i in range(5)])
        got = self.read_until(counter, set(expected))
        counter.terminate()
        counter.wait(timeout=TIMEOUT)
        self.assertEqual(sorted(set(got)), sorted(expected))  # QoS 1: maybe twice, never lost
        if qos == "0":
            self.assertEqual(got, expected)  # in order, once each


    def test_sub_resubscribes_after_a_broker_restart(self):
        # mosquitto_sub reconnects and subscribes again; so does sub (clean session here, so
        # only the subscription made again can deliver the second message).
        sub = spawn(["sub", "-p", self.port, "-i", "resub", "-t", "r", "-C", "2"])
        self.assertTrue(self.broker.wait_for_log("Sending SUBACK to resub"))
        subprocess.run(["mosquitto_pub", "-p", self.port, "-t", "r", "-m", "one"], check=True,
                       timeout=TIMEOUT)
        self.assertEqual(sub.stdout.readline(), b"one\n")
        self.broker.halt()
        self.broker.start_again()
        self.assertTrue(self.broker.wait_for_log("Sending SUBACK to resub", count=2))
        subprocess.run(["mosquitto_pub", "-p", self.port, "-t", "r", "-m", "two"], check=True,
                       timeout=TIMEOUT)
        out, err = sub.communicate(timeout=TIMEOUT)
        self.assertEqual((sub.returncode, out, err), (0, b"two\n", b""))


class ReconnectingStdinTest(unittest.TestCase):
    def test_pub_s_resends_after_a_lost_connection_where_m_exits_7(self):
        # The first connection drops at the PUBLISH; the second acknowledges it.
        broker = ScriptedBroker(lambda kind, n, body: "close" if kind == "publish" and n == 1
                                else None)
        self.addCleanup(broker.stop)
        code, _, err = run(["pub", "-p", str(broker.port), "-t", "t", "-s", "-q", "1"],
                           stdin=b"whole input")
        self.assertEqual((code, err), (0, ""))
        # The broker records packets as they arrive: the DISCONNECT may not be in yet.
        publishes = [(n, body) for n, kind, body in broker.received if kind == "publish"]
        self.assertEqual([n for n, _ in publishes], [1, 2])
        self.assertTrue(all(body.endswith(b"whole input") for _, body in publishes))


if __name__ == "__main__":
    unittest.main()
