"""`portmqtt bench`: its counts must agree with what independent peers saw."""

import json
import signal
import subprocess
import time
import unittest

from harness import BrokerTest, mosquitto_pub, run, spawn


class BenchTest(BrokerTest):
    def bench(self, *args, timeout=60):
        code, out, err = run(["bench"] + list(args) + ["-p", self.port, "--json"],
                             timeout=timeout)
        self.assertEqual(code, 0, err)
        return json.loads(out)

    def test_pub_100_clients_counts_match_a_peer(self):
        peer = subprocess.Popen(["mosquitto_sub", "-p", self.port, "-i", "counter", "-q", "1",
                                 "-t", "bench/#", "-F", "%t"], stdout=subprocess.PIPE)
        self.assertTrue(self.broker.wait_for_log("Sending SUBACK to counter"))
        report = self.bench("pub", "-c", "100", "-i", "2", "-I", "500", "-q", "1", "-d", "3",
                            "-s", "64")
        # A marker published after every bench message was acknowledged arrives after them.
        mosquitto_pub(self.broker, ["-t", "bench/end", "-m", "x", "-q", "1"])
        seen = 0
        for line in peer.stdout:
            if line == b"bench/end\n":
                break
            seen += 1
        peer.terminate()
        peer.wait(10)
        peer.stdout.close()
        self.assertEqual(report["connected"], 100)
        self.assertEqual(report["errors"], 0)
        self.assertGreaterEqual(report["sent"], 100 * 4)  # 3 s at 2 per second, ramp-up aside
        self.assertEqual(report["acked"], report["sent"])
        self.assertEqual(seen, report["sent"])
        self.assertEqual(self.broker.log().count("New client connected"), 100 + 2)

    def test_sub_counts_and_latency_of_bench_pub(self):
        sub = spawn(["bench", "sub", "-p", self.port, "-c", "20", "-t", "load/%i", "-q", "1",
                     "-L", "400", "-d", "30", "--json"])
        self.assertTrue(self.broker.wait_for_log("Sending SUBACK to", count=20))
        report_pub = self.bench("pub", "-c", "20", "-t", "load/%i", "-q", "1", "-I", "20",
                                "-L", "400")
        out, err = sub.communicate(timeout=40)
        self.assertEqual(sub.returncode, 0, err)
        report_sub = json.loads(out)
        self.assertEqual(report_pub["sent"], 400)
        self.assertEqual(report_pub["acked"], 400)
        self.assertEqual(report_sub["received"], 400)
        latency = report_sub["latency_ms"]
        self.assertEqual(latency["samples"], 400)
        self.assertLessEqual(latency["p50"], latency["p90"])
        self.assertLessEqual(latency["p99_9"], latency["max"])

    def test_conn_holds_connections(self):
        report = self.bench("conn", "-c", "100", "-R", "400", "-d", "1.5", "-V", "5")
        self.assertEqual((report["connected"], report["connect_failures"]), (100, 0))
        self.assertEqual(report["connect_latency_ms"]["samples"], 100)
        self.assertEqual(self.broker.log().count("(p5, c1, k60)"), 100)

    def test_interrupt_still_prints_summary(self):
        bench = spawn(["bench", "pub", "-p", self.port, "-c", "5", "-I", "50", "--json"])
        self.assertTrue(self.broker.wait_for_log("New client connected", count=5))
        time.sleep(0.3)  # let some publishes happen; the count is not asserted exactly
        bench.send_signal(signal.SIGINT)
        out, _ = bench.communicate(timeout=20)
        self.assertEqual(bench.returncode, 0)
        report = json.loads(out)
        self.assertEqual(report["connected"], 5)
        self.assertGreater(report["sent"], 0)

    def test_bad_options(self):
        code, _, err = run(["bench", "pub", "-q", "5"])
        self.assertEqual(code, 1)
        self.assertEqual(err, "Error: Invalid QoS 5 for -q: use 0, 1 or 2.\n"
                              "Use 'portmqtt bench pub --help' to see usage.\n")
        code, _, err = run(["bench", "pub", "-s", "4"])
        self.assertEqual(code, 1)
        self.assertIn("-s must be at least 12 bytes", err)
        code, _, err = run(["bench"])
        self.assertEqual(code, 1)
        self.assertIn("Use 'portmqtt bench --help' to see usage.", err)


if __name__ == "__main__":
    unittest.main()
