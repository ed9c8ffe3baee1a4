"""Bad command lines: exit code 1, one "Error: ..." line naming the problem, and the hint
that says what to type; never a crash. No broker is needed: the input is refused first."""

import unittest

from harness import run

HINT_PUB = "\nUse 'portmqtt pub --help' to see usage.\n"
HINT_SUB = "\nUse 'portmqtt sub --help' to see usage.\n"


class BadInputTest(unittest.TestCase):
    def assertRefused(self, args, message, hint=HINT_PUB):
        code, out, err = run(args)
        self.assertEqual((code, out), (1, b""), err)
        self.assertEqual(err, f"Error: {message}\n{hint}")

    def test_unknown_flag(self):
        self.assertRefused(["pub", "--bogus", "-t", "t", "-m", "x"],
                           "Unknown option '--bogus'.")

    def test_invalid_qos(self):
        self.assertRefused(["pub", "-t", "t", "-m", "x", "-q", "3"],
                           "Invalid QoS given: 3")
        self.assertRefused(["sub", "-t", "t", "-q", "-1"], "Invalid QoS given: -1",
                           HINT_SUB)

    def test_invalid_topics(self):
        self.assertRefused(["pub", "-t", "a/#", "-m", "x"],
                           "Invalid publish topic 'a/#', does it contain '+' or '#'?")
        self.assertRefused(["sub", "-t", "a/#/b"],
                           "Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards "
                           "correct?", HINT_SUB)
        self.assertRefused(["sub", "-t", "ok", "-T", "x+"],
                           "Invalid filter topic 'x+', are all '+' and '#' wildcards correct?",
                           HINT_SUB)

    def test_unreadable_file(self):
        self.assertRefused(["pub", "-t", "t", "-f", "/nonexistent/payload"],
                           'Unable to open file "/nonexistent/payload".')

    def test_bad_urls(self):
        self.assertRefused(["pub", "-L", "foo://host/t", "-m", "x"],
                           "Invalid URL for -L 'foo://host/t': unknown scheme 'foo'. Use "
                           "scheme://[user[:password]@]host[:port]/topic with scheme mqtt, mqtts, "
                           "ws or wss.")
        code, _, err = run(["pub", "-L", "mqtt://host", "-m", "x"])
        self.assertEqual(code, 1)
        self.assertIn("no topic", err)
        code, _, err = run(["pub", "-L", "mqtt://host:99999/t", "-m", "x"])
        self.assertEqual(code, 1)
        self.assertIn("invalid port '99999' (use 1..65535)", err)

    def test_bad_percent_encoding_is_an_error_not_a_crash(self):
        for userinfo, escape in (("u%zz", "%zz"), ("u%1z", "%1z"), ("u%", "%"), ("u:p%4", "%4")):
            part = "password" if ":" in userinfo else "user name"
            self.assertRefused(["pub", "-L", f"mqtt://{userinfo}@h/t", "-m", "x"],
                               f"Invalid percent-encoding in the {part} of -L '{escape}': '%' "
                               "must be followed by two hexadecimal digits.")

    def test_version_usage_and_unknown_subcommand(self):
        code, out, err = run(["--version"])
        self.assertEqual((code, err), (0, ""))
        self.assertRegex(out.decode(), r"^portmqtt \d+\.\d+\.\d+\n$")
        code, out, err = run(["foo"])
        self.assertEqual((code, out), (1, b""))
        self.assertEqual(err, "Error: unknown subcommand foo (use pub, sub, rr or bench).\n"
                              "\nUse 'portmqtt --help' to see usage.\n")
        code, out, err = run([])
        self.assertEqual((code, out), (1, b""))
        self.assertIn("Usage: portmqtt", err)
        self.assertIn("rr", err)

    def test_missing_pieces(self):
        self.assertRefused(["pub", "-t", "t"], "Both topic and message must be supplied.")
        self.assertRefused(["pub", "-m", "x"], "Both topic and message must be supplied.")
        self.assertRefused(["sub"], "You must specify a topic to subscribe to.", HINT_SUB)
        self.assertRefused(["pub", "-t", "t", "-m", "x", "-n"],
                           "Only one type of message can be sent at once.")

    def test_version_and_properties(self):
        self.assertRefused(["pub", "-V", "7", "-t", "t", "-m", "x"],
                           "Invalid protocol version argument given.")
        self.assertRefused(["pub", "-V", "5", "-t", "t", "-m", "x", "-D", "publish", "nope", "1"],
                           "Invalid property name given in --property argument.")
        self.assertRefused(["pub", "-V", "5", "-t", "t", "-m", "x", "-D", "connect",
                            "topic-alias", "1"], "topic-alias property not allowed for connect in --property argument.")
        self.assertRefused(["pub", "-V", "5", "-t", "t", "-m", "x", "-D", "publish",
                            "topic-alias", "70000"],
                           "Property value (70000) out of range for property topic-alias.")
        self.assertRefused(["pub", "-t", "t", "-m", "x", "--will-topic", "w/#"],
                           "Invalid will topic 'w/#', does it contain '+' or '#'?")

    def test_connection_option_conflicts(self):
        self.assertRefused(["pub", "-t", "t", "-m", "x", "--unix", "/tmp/s", "-L", "mqtt://h/t"],
                           "--unix and -L cannot be used together.")
        self.assertRefused(["pub", "-t", "t", "-m", "x", "--unix", "/tmp/s",
                            "--tls-use-os-certs"],
                           "--unix connects without TLS: leave out the TLS options.")
        self.assertRefused(["pub", "-t", "t", "-m", "x", "-A", "not-an-address"],
                           "-A needs a local IP address (e.g. 127.0.0.2 or ::1), "
                           "not 'not-an-address'.")

    def test_bad_tls_options(self):
        # mosquitto's words; these two without the usage hint, as there.
        self.assertRefused(["pub", "-t", "t", "-m", "x", "--cafile", "/nonexistent/ca.pem"],
                           "Problem setting TLS options: File not found.", "")
        self.assertRefused(["pub", "-t", "t", "-m", "x", "--psk", "zz", "--psk-identity", "me"],
                           "Problem setting TLS-PSK options.", "")
        self.assertRefused(["pub", "-t", "t", "-m", "x", "--psk", "abcd"],
                           "--psk-identity required if --psk used.")
        self.assertRefused(["pub", "-L", "mqtts://127.0.0.1/t", "-m", "x", "--tls-version",
                            "tlsv1.1"], "Invalid --tls-version 'tlsv1.1': use tlsv1.2 or tlsv1.3 "
                           "(older versions are not available).")

    def test_random_filter_range(self):
        self.assertRefused(["sub", "-t", "t", "--random-filter", "0"],
                           "--random-filter must be between 0.1 and 100.", HINT_SUB)

    def test_persistent_session_needs_id(self):
        self.assertRefused(["sub", "-t", "t", "-c"],
                           "You must provide a client id if you are using the -c option.", HINT_SUB)

    def test_bad_number(self):
        code, _, err = run(["sub", "-t", "t", "-C", "many"])
        self.assertEqual(code, 1)
        self.assertIn("--count = many", err)
        self.assertIn(HINT_SUB, err)

    def test_help(self):
        code, out, _ = run(["pub", "--help"])
        self.assertEqual(code, 0)
        self.assertIn(b"-t,--topic", out)
        self.assertIn(b"--repeat-delay", out)


if __name__ == "__main__":
    unittest.main()
