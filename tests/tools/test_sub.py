"""`portmqtt sub`: output formats, counts, time-outs and retained handling, with messages
published by mosquitto_pub."""

import json
import subprocess
import unittest

from harness import BrokerTest, mosquitto_pub, run, spawn


class SubTest(BrokerTest):
    def start_sub(self, client_id, *args):
        """Our sub in the background, returned once the broker acknowledged its SUBSCRIBE."""
        sub = spawn(["sub", "-p", self.port, "-i", client_id] + list(args))
        self.assertTrue(self.broker.wait_for_log(f"Sending SUBACK to {client_id}"))
        return sub

    def finish(self, sub):
        out, err = sub.communicate(timeout=20)
        return sub.returncode, out, err.decode(errors="replace")

    def test_count_and_verbose(self):
        sub = self.start_sub("s-count", "-t", "c/#", "-C", "2", "-v")
        for text in ("one", "two", "three"):
            mosquitto_pub(self.broker, ["-t", "c/x", "-m", text])
        self.assertEqual(self.finish(sub), (0, b"c/x one\nc/x two\n", ""))

    def test_verbose_empty_payload_prints_null(self):
        sub = self.start_sub("s-null", "-t", "n", "-C", "1", "-v")
        mosquitto_pub(self.broker, ["-t", "n", "-n"])
        self.assertEqual(self.finish(sub)[1], b"n (null)\n")

    def test_timeout_exit_code_and_message(self):
        code, out, err = run(["sub", "-p", self.port, "-t", "quiet", "-W", "1"])
        self.assertEqual((code, out, err), (27, b"", "Timed out\n"))

    def test_format_codes(self):
        sub = self.start_sub("s-fmt", "-t", "f/+", "-q", "1", "-C", "1",
                             "-F", r"%t|%p|%q|%r|%l|%m|%x|%X|%%|\t|@@")
        mosquitto_pub(self.broker, ["-t", "f/1", "-m", "Hi!", "-q", "1"])
        self.assertEqual(self.finish(sub)[1], b"f/1|Hi!|1|0|3|1|486921|486921|%|\t|@\n")

    def test_format_time_codes(self):
        sub = self.start_sub("s-time", "-t", "tm", "-C", "1", "-F", "@Y-@m %U @N")
        mosquitto_pub(self.broker, ["-t", "tm", "-m", "x"])
        self.assertRegex(self.finish(sub)[1].decode(), r"^\d{4}-\d\d \d+\.\d{9} \d{9}\n$")

    def test_json_format(self):
        sub = self.start_sub("s-json", "-t", "j", "-C", "1", "-F", "%j", "-V", "5")
        mosquitto_pub(self.broker, ["-t", "j", "-m", 'say "hi"', "-V", "5",
                                    "-D", "publish", "user-property", "k", "v"])
        record = json.loads(self.finish(sub)[1])
        self.assertEqual((record["topic"], record["qos"], record["retain"], record["payload"],
                          record["payloadlen"]), ("j", 0, 0, 'say "hi"', 8))
        self.assertEqual(record["properties"], {"user-properties": {"k": "v"}})
        self.assertRegex(record["tst"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d{4}$")

    def test_no_end_of_line(self):
        sub = self.start_sub("s-eol", "-t", "e", "-C", "2", "-N")
        mosquitto_pub(self.broker, ["-t", "e", "-m", "ab"])
        mosquitto_pub(self.broker, ["-t", "e", "-m", "cd"])
        self.assertEqual(self.finish(sub)[1], b"abcd")

    def test_filter_out(self):
        sub = self.start_sub("s-filter", "-t", "bbc/#", "-T", "bbc/radio3", "-C", "1", "-v")
        mosquitto_pub(self.broker, ["-t", "bbc/radio3", "-m", "hidden"])
        mosquitto_pub(self.broker, ["-t", "bbc/one", "-m", "shown"])
        self.assertEqual(self.finish(sub)[1], b"bbc/one shown\n")

    def test_retained_skipped_with_R(self):
        mosquitto_pub(self.broker, ["-t", "r/a", "-m", "old", "-r"])
        sub = self.start_sub("s-R", "-t", "r/#", "-R", "-C", "1")
        mosquitto_pub(self.broker, ["-t", "r/a", "-m", "new"])
        self.assertEqual(self.finish(sub)[1], b"new\n")

    def test_retained_only_stops_at_first_fresh_message(self):
        mosquitto_pub(self.broker, ["-t", "ro/a", "-m", "kept", "-r"])
        sub = self.start_sub("s-ro", "-t", "ro/#", "--retained-only")
        mosquitto_pub(self.broker, ["-t", "ro/a", "-m", "fresh"])
        self.assertEqual(self.finish(sub), (0, b"kept\n", ""))

    def test_remove_retained(self):
        mosquitto_pub(self.broker, ["-t", "rm/a", "-m", "1", "-r"])
        mosquitto_pub(self.broker, ["-t", "rm/b", "-m", "2", "-r"])
        code, out, _ = run(["sub", "-p", self.port, "-t", "rm/#", "--remove-retained",
                            "-C", "2"])
        self.assertEqual((code, sorted(out.split())), (0, [b"1", b"2"]))
        # Nothing retained is left: an independent subscriber times out empty-handed.
        late = subprocess.run(["mosquitto_sub", "-p", self.port, "-t", "rm/#", "-W", "1"],
                              capture_output=True, timeout=20)
        self.assertEqual((late.returncode, late.stdout), (27, b""))

    def test_exit_after_suback_and_unsubscribe(self):
        code, out, _ = run(["sub", "-p", self.port, "-i", "s-E", "-t", "e/1", "-U", "e/2",
                            "-E", "-d"])
        self.assertEqual(code, 0)
        text = out.decode()
        self.assertIn("Client s-E sending SUBSCRIBE (Mid: 1, Topic: e/1, QoS: 0", text)
        self.assertIn("Subscribed (mid: 1): 0", text)
        self.assertIn("Received SUBSCRIBE from s-E", self.broker.log())
        self.assertTrue(self.broker.wait_for_log("Received UNSUBSCRIBE from s-E"))

    def test_v5_subscription_identifier(self):
        sub = self.start_sub("s-sid", "-V", "5", "-t", "sid", "-C", "1", "-F", "%S %p",
                             "-D", "subscribe", "subscription-identifier", "42")
        mosquitto_pub(self.broker, ["-t", "sid", "-m", "x"])
        self.assertEqual(self.finish(sub)[1], b"42 x\n")

    def test_several_topics(self):
        sub = self.start_sub("s-multi", "-t", "m/1", "-t", "m/2", "-C", "2", "-v")
        mosquitto_pub(self.broker, ["-t", "m/2", "-m", "b"])
        mosquitto_pub(self.broker, ["-t", "m/1", "-m", "a"])
        self.assertEqual(self.finish(sub)[1], b"m/2 b\nm/1 a\n")

    def test_debug_lines_for_a_qos1_message(self):
        sub = self.start_sub("s-dbg", "-t", "dq", "-q", "1", "-C", "1", "-d")
        mosquitto_pub(self.broker, ["-t", "dq", "-m", "z", "-q", "1"])
        lines = self.finish(sub)[1].decode().splitlines()
        self.assertEqual(lines[-4:], [
            "Client s-dbg received PUBLISH (d0, q1, r0, m1, 'dq', ... (1 bytes))",
            "Client s-dbg sending PUBACK (m1, rc0)",
            "z",
            "Client s-dbg sending DISCONNECT",
        ])

    def persistent_session_keeps_message(self, expiry, wait):
        base = ["sub", "-p", self.port, "-V", "5", "-c", "-i", "keeper", "-x", expiry,
                "-t", "ps", "-q", "1"]
        self.assertEqual(run(base + ["-E"])[0], 0)
        mosquitto_pub(self.broker, ["-t", "ps", "-m", "queued", "-q", "1"])
        code, out, _ = run(base + ["-C", "1", "-W", wait])
        return code, out

    def test_session_expiry_keeps_the_session(self):
        # -C 1 ends it as soon as the message is there: a long -W costs nothing.
        self.assertEqual(self.persistent_session_keeps_message("∞", "10"), (0, b"queued\n"))

    def test_session_expiry_zero_ends_the_session(self):
        self.assertEqual(self.persistent_session_keeps_message("0", "2"), (27, b""))

    def test_no_broker_exits(self):
        self.broker.stop()
        code, _, err = run(["sub", "-p", self.port, "-t", "x"])
        self.assertEqual((code, err), (1, "Error: Connection refused\n"))


if __name__ == "__main__":
    unittest.main()
