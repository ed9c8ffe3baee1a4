"""Broker lists on the command line: repeated -L / -h are tried in order (portmqtt's extension;
mosquitto's tools keep the last -h). A first broker that is down is skipped, a broker killed
under `portmqtt sub` is left for the next one, and -d names the broker of every attempt. Each
test runs its own mosquitto instances on loopback; a port with no listener stands for a broker
that is down."""

import os
import signal
import subprocess
import tempfile
import time
import unittest

from harness import PORTMQTT, TIMEOUT, Broker, Peer, free_port, run


def url(port, topic="fo/t", host="127.0.0.1"):
    return f"mqtt://{host}:{port}/{topic}"


class Output:
    """A running `portmqtt sub` writing to files, read while it runs."""

    def __init__(self, args):
        self.dir = tempfile.mkdtemp(prefix="portmqtt-failover-")
        self.out_path = os.path.join(self.dir, "out")
        self.err_path = os.path.join(self.dir, "err")
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.process = subprocess.Popen([PORTMQTT] + args, stdout=out, stderr=err)

    def text(self):
        with open(self.out_path, errors="replace") as out:
            return out.read()

    def wait_for(self, needle, count=1, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if self.text().count(needle) >= count:
                return True
            time.sleep(0.02)
        return self.text().count(needle) >= count

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(10)
        with open(self.err_path, errors="replace") as err:
            return self.process.returncode, self.text(), err.read()


class PubFailoverTest(unittest.TestCase):
    def setUp(self):
        self.broker = Broker()
        self.down = free_port()  # nothing listens there

    def tearDown(self):
        self.broker.stop()

    def test_first_url_down_publishes_to_the_second(self):
        peer = Peer(self.broker, "fo/t", ["-C", "1"])
        code, out, err = run(["pub", "-d", "-q", "1", "-m", "over", "-L", url(self.down),
                              "-L", url(self.broker.port)])
        self.assertEqual(code, 0, err)
        lines = out.decode().splitlines()
        self.assertIn(f"connecting to mqtt://127.0.0.1:{self.down} (broker 1 of 2)", lines[0])
        self.assertIn(f"connection to mqtt://127.0.0.1:{self.down} failed: Connection refused",
                      lines[1])
        self.assertIn(f"connecting to mqtt://127.0.0.1:{self.broker.port} (broker 2 of 2)",
                      lines[2])
        self.assertTrue(any("sending PUBLISH (d0, q1" in line for line in lines), out)
        _, received, _ = peer.result()
        self.assertEqual(received, b"over\n")

    def test_repeated_host_takes_the_port_of_p(self):
        # Three loopback addresses, one port (-p applies to every -h): the first two are down.
        port = free_port(("127.0.0.2", "127.0.0.3", "127.0.0.4"))
        third = Broker(address="127.0.0.4", port=port)
        try:
            peer = Peer(third, "fo/h", ["-C", "1"])
            code, out, err = run(["pub", "-d", "-h", "127.0.0.2", "-h", "127.0.0.3", "-h",
                                  "127.0.0.4", "-p", str(port), "-t", "fo/h", "-m", "third"])
            self.assertEqual(code, 0, err)
            text = out.decode()
            for n, host in enumerate(["127.0.0.2", "127.0.0.3", "127.0.0.4"], start=1):
                self.assertIn(f"connecting to mqtt://{host}:{port} (broker {n} of 3)", text)
            self.assertNotIn(f"connection to mqtt://127.0.0.4:{port} failed", text)
            self.assertEqual(peer.result()[1], b"third\n")
        finally:
            third.stop()

    def test_every_broker_down_is_the_last_error_after_one_round(self):
        other = free_port()
        started = time.monotonic()
        code, out, err = run(["pub", "-d", "-t", "fo/t", "-m", "x", "-L", url(self.down),
                              "-L", url(other)])
        self.assertEqual(code, 1)
        self.assertEqual(err, "Error: Connection refused\n")
        text = out.decode()
        self.assertEqual(text.count("connecting to "), 2, text)  # one round, no retries
        self.assertEqual(text.count("failed: Connection refused"), 2, text)
        self.assertLess(time.monotonic() - started, 10)

    def test_a_single_host_prints_what_mosquitto_pub_prints(self):
        code, out, err = run(["pub", "-d", "-q", "1", "-p", str(self.broker.port), "-t", "fo/t", "-m", "x"])
        self.assertEqual(code, 0, err)
        ours = [line.split(" ", 2)[2] for line in out.decode().splitlines()]
        theirs = subprocess.run(["mosquitto_pub", "-d", "-q", "1", "-p", str(self.broker.port), "-t", "fo/t",
                                 "-m", "x"], capture_output=True, timeout=TIMEOUT)
        self.assertEqual(theirs.returncode, 0)
        self.assertEqual(ours, [line.split(" ", 2)[2]
                                for line in theirs.stdout.decode().splitlines()])

    def test_urls_of_a_list_must_share_the_topic(self):
        code, _, err = run(["pub", "-m", "x", "-L", url(self.down, "a"), "-L",
                            url(self.broker.port, "b")])
        self.assertEqual(code, 1)
        self.assertIn("Every -L of a broker list must name the same topic ('a' and 'b')", err)

    def test_hosts_take_one_value_each(self):
        code, _, err = run(["pub", "-h", "127.0.0.1", "127.0.0.2", "-t", "fo/t", "-m", "x"])
        self.assertEqual(code, 1)
        self.assertIn("127.0.0.2", err)


class SubFailoverTest(unittest.TestCase):
    """Three brokers: the subscriber moves to the next one each time its broker is killed,
    subscribing again there, and receives what is published on the broker it is on."""

    def setUp(self):
        self.brokers = [Broker(), Broker(), Broker()]

    def tearDown(self):
        for broker in self.brokers:
            broker.stop()

    def publish(self, broker, payload):
        subprocess.run(["mosquitto_pub", "-p", str(broker.port), "-t", "fo/s", "-q", "1", "-m",
                        payload], check=True, timeout=TIMEOUT)

    def test_kill_the_current_broker_and_the_next_one_takes_over(self):
        ports = [broker.port for broker in self.brokers]
        sub = Output(["sub", "-d", "-q", "1", "-i", "fo-sub"]
                     + sum((["-L", url(port, "fo/s")] for port in ports), []))
        try:
            for n, broker in enumerate(self.brokers):
                self.assertTrue(broker.wait_for_log("Sending SUBACK to fo-sub"), sub.text())
                self.assertIn(f"connecting to mqtt://127.0.0.1:{broker.port} (broker {n + 1} of 3)",
                              sub.text())
                self.publish(broker, f"on broker {n + 1}")
                self.assertTrue(sub.wait_for(f"on broker {n + 1}\n"), sub.text())
                if n < 2:
                    broker.kill()
            # Sticky: after the loss it tried the killed broker again before moving on.
            text = sub.text()
            self.assertIn(f"connection to mqtt://127.0.0.1:{ports[0]} failed", text)
            self.assertIn(f"connection to mqtt://127.0.0.1:{ports[1]} failed", text)
            self.assertEqual(text.count(f"connecting to mqtt://127.0.0.1:{ports[2]}"), 1, text)
            # The first broker comes back; the third goes away: the list wraps round to it.
            self.brokers[0].start_again()
            self.brokers[2].kill()
            self.assertTrue(self.brokers[0].wait_for_log("Sending SUBACK to fo-sub", count=2),
                            sub.text())
            self.publish(self.brokers[0], "back on broker 1")
            self.assertTrue(sub.wait_for("back on broker 1\n"), sub.text())
        finally:
            code, out, err = sub.stop()
        self.assertEqual(code, 0, err)
        self.assertEqual([line for line in out.splitlines() if "on broker" in line],
                         ["on broker 1", "on broker 2", "on broker 3", "back on broker 1"])

    def test_first_broker_down_at_start(self):
        self.brokers[0].kill()
        sub = Output(["sub", "-q", "1", "-i", "fo-sub2", "-C", "1", "-L",
                      url(self.brokers[0].port, "fo/s"), "-L", url(self.brokers[1].port, "fo/s")])
        try:
            self.assertTrue(self.brokers[1].wait_for_log("Sending SUBACK to fo-sub2"))
            self.publish(self.brokers[1], "second")
            sub.process.wait(TIMEOUT)
        finally:
            code, out, err = sub.stop()
        self.assertEqual(code, 0, err)
        self.assertEqual(out, "second\n")


if __name__ == "__main__":
    unittest.main()
