"""`portmqtt bench conn|pub|sub`: its counts must agree with what independent peers (mosquitto_sub,
the broker's own log) saw, its JSON and HTML reports must hold what portmqtt-bench(1) promises,
and its options must keep mosquitto's meanings. No assertion depends on how fast anything ran."""

import json
import os
import re
import signal
import struct
import subprocess
import tempfile
import time
import unittest

from harness import BrokerTest, Peer, mosquitto_pub, run, spawn


def latency_is_ordered(test, latency):
    test.assertLessEqual(latency["p50"], latency["p90"])
    test.assertLessEqual(latency["p90"], latency["p99"])
    test.assertLessEqual(latency["p99"], latency["p99_9"])
    test.assertLessEqual(latency["p99_9"], latency["max"])


class BenchTest(BrokerTest):
    # A full-speed publisher outruns mosquitto_sub: let the broker queue instead of dropping.
    broker_config = "allow_anonymous true\nmax_queued_messages 0\n"

    def bench(self, *args, timeout=60):
        code, out, err = run(["bench"] + list(args) + ["-p", self.port, "--json"],
                             timeout=timeout)
        self.assertEqual(code, 0, err)
        return json.loads(out)

    def count_until_marker(self, peer, marker):
        """Lines mosquitto_sub printed before `marker`, published after the bench ended."""
        mosquitto_pub(self.broker, ["-t", marker, "-m", "x", "-q", "1"])
        seen = 0
        for line in peer.process.stdout:
            if line == (marker + "\n").encode():
                break
            seen += 1
        peer.process.terminate()
        peer.process.communicate(timeout=10)
        return seen

    def test_pub_full_speed_counts_match_a_peer(self):
        peer = Peer(self.broker, "bench/#", ["-q", "1", "-F", "%t"], client_id="counter")
        report = self.bench("pub", "--clients", "20", "-q", "1", "-C", "2000", "--size", "64",
                            "--interval", "0")
        seen = self.count_until_marker(peer, "bench/end")
        self.assertEqual(report["mode"], "pub")
        self.assertEqual((report["connects"], report["connect_failures"]), (20, 0))
        self.assertEqual((report["sent"], report["acked"], report["in_flight"]), (2000, 2000, 0))
        self.assertEqual((report["errors"], report["refused"]), (0, 0))
        self.assertIsNone(report["first_error"])
        self.assertEqual(seen, 2000)
        latency = report["ack_latency_ms"]
        self.assertEqual(latency["samples"], 2000)
        latency_is_ordered(self, latency)
        self.assertEqual(report["connect_latency_ms"]["samples"], 20)
        self.assertIsNone(report["end_to_end_latency_ms"])
        self.assertGreater(report["acked_per_s"], 0)
        self.assertEqual(sum(s["sent"] for s in report["per_second"]), 2000)
        self.assertEqual(self.broker.log().count("New client connected"), 20 + 2)

    def test_pub_qos2_window_and_threads(self):
        report = self.bench("pub", "--clients", "4", "-q", "2", "--inflight", "5", "-C", "400",
                            "--threads", "2", "--interval", "0")
        self.assertEqual((report["sent"], report["acked"], report["errors"]), (400, 400, 0))
        self.assertEqual(report["ack_latency_ms"]["samples"], 400)
        # Every QoS 2 exchange finished: as many PUBCOMPs as PUBLISHes in the broker's log.
        log = self.broker.log()
        self.assertEqual(len(re.findall(r"Received PUBLISH from bench_\d+_\d \(d0, q2", log)),
                         400)
        self.assertEqual(len(re.findall(r"Sending PUBCOMP to bench_", log)), 400)

    def test_pub_rate_never_exceeds_the_schedule(self):
        # With --rate R, message n of a client is due R/n seconds after its first: in D
        # seconds a client sends at most D*R + 1 messages, however the machine is loaded.
        report = self.bench("pub", "--clients", "3", "--rate", "40", "--duration", "1.5",
                            "--interval", "0")
        self.assertEqual(report["rate_per_client"], 40)
        self.assertGreater(report["sent"], 0)
        self.assertLessEqual(report["sent"], 3 * (40 * 1.5 + 1))
        self.assertEqual(report["acked"], 0)  # QoS 0
        self.assertIsNone(report["ack_latency_ms"])

    def test_payload_header_as_documented(self):
        peer = Peer(self.broker, "hdr/#", ["-C", "2", "-F", "%t %x"])
        self.bench("pub", "-t", "hdr/%i", "--start-number", "7", "-C", "2", "--size", "30")
        lines = peer.result()[1].decode().split("\n")[:2]
        before = time.time_ns()
        for sequence, line in enumerate(lines):
            topic, hex_payload = line.split(" ")
            self.assertEqual(topic, "hdr/7")
            payload = bytes.fromhex(hex_payload)
            self.assertEqual(len(payload), 30)
            magic, sent_ns, index, seq = struct.unpack(">4sQIQ", payload[:24])
            self.assertEqual((magic, index, seq), (b"PMQB", 7, sequence))
            self.assertLess(abs(before - sent_ns), 60 * 10**9)
            self.assertEqual(payload[24:], b"." * 6)

    def test_sub_counts_and_end_to_end_latency_of_bench_pub(self):
        sub = spawn(["bench", "sub", "-p", self.port, "--clients", "10", "-t", "load/%i",
                     "-q", "1", "-C", "500", "--duration", "60", "--json", "--interval", "0"])
        self.assertTrue(self.broker.wait_for_log("Sending SUBACK to", count=10))
        report_pub = self.bench("pub", "--clients", "10", "-t", "load/%i", "-q", "1",
                                "-C", "500", "--rate", "100")
        out, err = sub.communicate(timeout=60)
        self.assertEqual(sub.returncode, 0, err)
        report_sub = json.loads(out)
        self.assertEqual((report_pub["sent"], report_pub["acked"]), (500, 500))
        self.assertEqual(report_sub["mode"], "sub")
        self.assertEqual((report_sub["subscribed"], report_sub["received"]), (10, 500))
        latency = report_sub["end_to_end_latency_ms"]
        self.assertEqual(latency["samples"], 500)
        latency_is_ordered(self, latency)

    def test_sub_counts_foreign_payloads_without_latency(self):
        sub = spawn(["bench", "sub", "-p", self.port, "-t", "plain", "-C", "3", "--json"])
        self.assertTrue(self.broker.wait_for_log("Sending SUBACK to"))
        for _ in range(3):
            mosquitto_pub(self.broker, ["-t", "plain", "-m", "not a bench payload at all"])
        out, err = sub.communicate(timeout=30)
        self.assertEqual(sub.returncode, 0, err)
        report = json.loads(out)
        self.assertEqual(report["received"], 3)
        self.assertIsNone(report["end_to_end_latency_ms"])

    def test_conn_holds_connections_and_reports_memory(self):
        # The duration counts from the start, connecting included: room for a slow machine.
        report = self.bench("conn", "--clients", "100", "--connrate", "500", "--duration", "3",
                            "-V", "5")
        self.assertEqual(report["mode"], "conn")
        self.assertEqual((report["connects"], report["connected"], report["connect_failures"]),
                         (100, 100, 0))
        self.assertEqual(report["connect_latency_ms"]["samples"], 100)
        self.assertGreater(report["connects_per_s"], 0)
        self.assertGreater(report["memory_kib"], 0)
        self.assertGreaterEqual(report["memory_per_client_kib"], 0)
        self.assertGreater(len(report["per_second"]), 0)
        self.assertEqual(report["per_second"][-1]["connected"], 100)
        self.assertEqual(self.broker.log().count("(p5, c1, k60)"), 100)
        # Every client said goodbye (the broker may log the last ones after bench has exited).
        self.assertTrue(self.broker.wait_for_log("disconnected.", count=100))
        self.assertEqual(self.broker.log().count("disconnected."), 100)

    def test_ramp_up_spreads_connections(self):
        report = self.bench("conn", "--clients", "10", "--ramp-up", "0.5", "--duration", "3")
        self.assertEqual(report["connects"], 10)

    def test_html_report_holds_the_plots(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "report.html")
            report = self.bench("pub", "--clients", "3", "-q", "1", "-C", "600", "--rate", "150",
                                "--html", path)
            self.assertEqual(report["acked"], 600)
            with open(path, encoding="utf-8") as page:
                html = page.read()
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        # Rate, connected clients, publish-to-ack latency, connect latency.
        self.assertEqual(html.count("<svg"), 4)
        self.assertIn("Rate per second", html)
        self.assertIn("Publish-to-acknowledgement latency", html)
        self.assertIn("<polyline", html)
        self.assertRegex(html, r"<rect x='[\d.]+' y='[\d.]+' width='[\d.]+' height='[\d.]+' "
                               r"fill='#e6862e'><title>[\d,]+ samples")
        self.assertIn("p99.9", html)
        # Self-contained: nothing to fetch.
        self.assertNotIn("<script", html)
        self.assertNotIn("src=", html)
        self.assertNotIn("href=", html)

    def test_mosquitto_letters_keep_their_meaning(self):
        # -L gives host, port and topic; -I is the id prefix; -c a persistent session. At 0.1
        # message per second each client sends its first message at once, and no second one.
        peer = Peer(self.broker, "url/#", ["-C", "2", "-F", "%t"])
        code, out, err = run(["bench", "pub", "-L", f"mqtt://127.0.0.1:{self.port}/url/%i",
                              "-I", "dev-", "-c", "--clients", "2", "-C", "2", "-q", "1",
                              "--wait-before-publishing", "--rate", "0.1", "--json"])
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["acked"], 2)
        self.assertEqual(sorted(peer.result()[1].decode().split()), ["url/0", "url/1"])
        log = self.broker.log()
        self.assertIn(" as dev-0 (p2, c0, k60)", log)
        self.assertIn(" as dev-1 (p2, c0, k60)", log)
        # -i is the client id, a pattern with %i for a fleet; %c puts it in the topic.
        peer = Peer(self.broker, "ids/#", ["-C", "1", "-F", "%t"])
        self.bench("pub", "-i", "car-%i", "-t", "ids/%c", "-C", "1")
        self.assertEqual(peer.result()[1], b"ids/car-0\n")

    def test_patterns_name_user_index_and_process(self):
        peer = Peer(self.broker, "p/#", ["-C", "2", "-F", "%t"])
        code, out, err = run(["bench", "pub", "-p", self.port, "-u", "a-user-with-a-long-name",
                              "-i", "%u-%i", "-t", "p/%u/%i/%p/100%%", "--clients", "2",
                              "--start-number", "40", "-C", "2", "--rate", "0.1",
                              "--wait-before-publishing", "--json"])
        self.assertEqual(code, 0, err)
        topics = sorted(peer.result()[1].decode().split())
        self.assertEqual(len(topics), 2)
        for index, topic in zip((40, 41), topics):
            self.assertRegex(topic, rf"^p/a-user-with-a-long-name/{index}/\d+/100%$")
        log = self.broker.log()
        self.assertIn(" as a-user-with-a-long-name-40 ", log)
        self.assertIn(" as a-user-with-a-long-name-41 ", log)

    def test_interrupt_still_prints_summary(self):
        bench = spawn(["bench", "pub", "-p", self.port, "--clients", "5", "--rate", "20",
                       "--json", "--interval", "0"])
        self.assertTrue(self.broker.wait_for_log("New client connected", count=5))
        self.assertTrue(self.broker.wait_for_log("Received PUBLISH from"))
        bench.send_signal(signal.SIGINT)
        out, _ = bench.communicate(timeout=20)
        self.assertEqual(bench.returncode, 0)
        report = json.loads(out)
        self.assertEqual(report["connects"], 5)
        self.assertGreater(report["sent"], 0)

    def test_text_summary_names_what_was_measured(self):
        code, out, err = run(["bench", "pub", "-p", self.port, "-q", "1", "-C", "50"])
        self.assertEqual(code, 0, err)
        text = out.decode()
        self.assertIn("bench pub: 1 client,", text)
        self.assertIn("published    50 (", text)
        self.assertIn("acknowledged 50 (", text)
        self.assertRegex(text, r"publish-to-ack\s+50\s")
        self.assertEqual(err, "")  # no progress line when stderr is not a terminal


class BenchRefusedTest(BrokerTest):
    broker_config = "allow_anonymous false\n"

    def test_no_client_connected_is_an_error(self):
        code, out, err = run(["bench", "conn", "-p", self.port, "--clients", "3", "--json"])
        self.assertEqual(code, 1)
        report = json.loads(out)
        self.assertEqual(
            (report["connects"], report["connect_failures"], report["errors"]), (0, 3, 3))
        self.assertIn("Connection Refused: not authorised.", report["first_error"])
        self.assertIn("Error: no client connected: ", err)


class BenchOptionsTest(unittest.TestCase):
    def error_of(self, *args):
        code, out, err = run(["bench"] + list(args))
        self.assertEqual((code, out), (1, b""), err)
        return err

    def test_bad_values_are_refused_clearly(self):
        self.assertEqual(self.error_of("pub", "-q", "5"),
                         "Error: Invalid QoS given: 5\n"
                         "\nUse 'portmqtt bench pub --help' to see usage.\n")
        self.assertIn("Use either --rate or --interval-of-msg",
                      self.error_of("pub", "--rate", "5", "--interval-of-msg", "10"))
        self.assertIn("Use only one of --connrate, --interval and --ramp-up",
                      self.error_of("conn", "--connrate", "5", "--interval", "10"))
        self.assertIn("needs %i in the id", self.error_of("pub", "-i", "fixed", "--clients", "2"))
        self.assertIn("Unknown sequence '%z' in -t", self.error_of("pub", "-t", "a/%z"))
        self.assertIn("must not be empty nor contain + or #", self.error_of("pub", "-t", "a/#"))
        self.assertIn("Invalid subscription filter", self.error_of("sub", "-t", "a/#/b"))
        self.assertIn("Invalid value 0 for --clients", self.error_of("conn", "--clients", "0"))
        self.assertIn("Invalid value 0 for -C", self.error_of("sub", "-C", "0"))
        self.assertIn("Invalid value -1 for --size", self.error_of("pub", "--size", "-1"))
        self.assertIn("You must provide a client id if you are using the -c option.",
                      self.error_of("pub", "-c"))
        self.assertIn("-t or in the -L URL, not both",
                      self.error_of("pub", "-L", "mqtt://h/x", "-t", "y"))
        self.assertIn("Use 'portmqtt bench --help' to see usage.", self.error_of())
        # Packets of a fleet are not printed: -d is not an option of bench.
        self.assertIn("-d", self.error_of("pub", "-d"))

    def test_unwritable_report_fails_before_the_run(self):
        self.assertIn("Unable to write the report",
                      self.error_of("conn", "-p", "1", "--html", "/nonexistent/dir/r.html"))

    def test_help_lists_fleet_options_without_glitches(self):
        code, out, _ = run(["bench", "pub", "--help"])
        self.assertEqual(code, 0)
        text = out.decode()
        for option in ("--clients", "--connrate", "--ramp-up", "--rate", "--inflight", "--html",
                       "-I,--id-prefix", "-c,--disable-clean-session", "-L,--url", "-C,--limit"):
            self.assertIn(option, text)
        self.assertNotIn("{", text)
        self.assertNotIn("-d,--debug", text)


if __name__ == "__main__":
    unittest.main()
