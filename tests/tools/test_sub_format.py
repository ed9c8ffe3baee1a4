"""`portmqtt sub -F`: mosquitto_sub and our sub receive the same message with the same format,
and print the same bytes (time values aside: those are compared by shape)."""

import itertools
import re
import subprocess
import unittest

from harness import PORTMQTT, TIMEOUT, BrokerTest, mosquitto_pub, run

# A v5 message with every property the % codes show.
PROPERTIES = ["-V", "5",
              "-D", "publish", "user-property", "k", "v",
              "-D", "publish", "user-property", "k2", "v 2",
              "-D", "publish", "content-type", "text/x",
              "-D", "publish", "response-topic", "reply/to",
              "-D", "publish", "correlation-data", "c\x01d",
              "-D", "publish", "message-expiry-interval", "100",
              "-D", "publish", "payload-format-indicator", "1"]

# The "tst" time stamp of %j / %J, compared separately.
TST = re.compile(rb'"tst":(\t?)"[^"]*"')


class SubFormatTest(BrokerTest):
    ids = itertools.count()

    def both(self, fmt, publish, sub_args=(), more=()):
        """(exit code, stdout, stderr) of mosquitto_sub and of ours for one published message
        (and the `more` ones after it); no -F when `fmt` is None."""
        processes = []
        for command in (["mosquitto_sub"], [PORTMQTT, "sub"]):
            client_id = f"fmt-{next(self.ids)}"
            processes.append(subprocess.Popen(
                command + ["-p", self.port, "-i", client_id, "-t", "f/#", "-q", "1",
                           "-C", str(1 + len(more)), "-V", "5"]
                + ([] if fmt is None else ["-F", fmt]) + list(sub_args),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE))
            self.assertTrue(self.broker.wait_for_log(f"Sending SUBACK to {client_id}"))
        for message in [publish] + list(more):
            mosquitto_pub(self.broker, ["-t", "f/topic", "-q", "1"] + message)
        results = []
        for process in processes:
            out, err = process.communicate(timeout=TIMEOUT)
            results.append((process.returncode, out, err))
        return results

    def assert_same(self, fmt, publish, sub_args=(), more=()):
        theirs, ours = self.both(fmt, publish, sub_args, more)
        self.assertEqual(ours, theirs)
        return ours[1]

    def test_width_precision_and_flags_of_topic_numbers_and_properties(self):
        out = self.assert_same(
            "%10t|%-10t|%.2t|%5.2t|%-5.2t|%010.2t|%-010t|%05l|%-5l|%5l|%05m|%-05m|%5q|%5r|"
            "%5A|%05A|%-05A|%5S|%05E|%-5F|%5F|%10C|%.2C|%10R|%.1R|%5D|%5P|%5%",
            ["-m", "hello"] + PROPERTIES)
        # One spelled out, so that the comparison cannot pass on two empty outputs.
        self.assertTrue(out.startswith(b"   f/topic|f/topic   |f/|   f/|f/   |"))

    def test_absent_properties_fill_the_width(self):
        self.assert_same("[%5A|%05S|%-4E|%3F|%6C|%4R|%P|%D]", ["-m", "plain", "-V", "5"])

    def test_escapes(self):
        out = self.assert_same(r"\e[1m%p\e[0m\0\a\v\r\t\\\n", ["-m", "x"])
        self.assertEqual(out, b"\x1b[1mx\x1b[0m\x00\x07\x0b\r\t\\\n\n")

    def test_empty_format_prints_the_end_of_line_only(self):
        self.assertEqual(self.assert_same("", ["-m", "x"]), b"\n")

    def test_empty_payload_without_format(self):
        expected = {(): b"end\n",                             # an empty payload prints nothing
                    ("-N",): b"end",
                    ("-v",): b"f/topic (null)\nf/topic end\n",
                    ("-v", "-N"): b"f/topic end"}             # nor "(null)" without -N
        for args, out in expected.items():
            with self.subTest(args=args):
                self.assertEqual(self.assert_same(None, ["-n"], args, more=[["-m", "end"]]), out)

    def test_time_codes_have_mosquittos_shape(self):
        fmt = "%I|%26I|%.4I|@Y-@m-@dT@H:@M:@S@z|@N|@s|@j|@y|@e|@@|%U"
        theirs, ours = self.both(fmt, ["-m", "x"])
        digits = re.compile(rb"\d")
        self.assertEqual(digits.sub(b"0", ours[1]), digits.sub(b"0", theirs[1]))
        self.assertRegex(ours[1].decode(),
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}\|  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}\|"
                         r"\d{4}\|"
                         r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}\|\d{9}\|\d+\|\d{3}\|\d\d\|"
                         r"[ \d]\d\|@\|\d+\.\d{9}\n$")

    def assert_same_json(self, fmt, publish, sub_args=()):
        """Same bytes except the time stamp, which ours writes as its documented ISO 8601 form
        (mosquitto puts a 'Z' before the numeric zone)."""
        theirs, ours = self.both(fmt, publish, sub_args)
        self.assertRegex(ours[1].decode(errors="replace"),
                         r'"tst":\t?"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d{4}"')
        strip = (lambda result: (result[0], TST.sub(rb'"tst":\1""', result[1]), result[2]))
        self.assertEqual(strip(ours), strip(theirs))
        return ours[1]

    def test_json_with_properties_and_control_bytes(self):
        out = self.assert_same_json("%j", ["-m", 'He said "hi"\\\n\x01\x08\x0c\x1f\x7f\u00e9']
                                    + PROPERTIES)
        self.assertIn(b'"payload":"He said \\"hi\\"\\\\\\n\\u0001\\b\\f\\u001f\x7f\xc3\xa9"',
                      out)

    def test_json_pretty_with_subscription_identifier(self):
        self.assert_same_json("%j", ["-m", "x"] + PROPERTIES,
                              ["--pretty", "-D", "subscribe", "subscription-identifier", "7"])

    def test_json_empty_payload_is_null(self):
        out = self.assert_same_json("%j|%J", ["-n"])
        self.assertIn(b'"payload":null}|', out)

    JSON_PAYLOAD = ('{"a": 1.50, "b":[1,2e3,-0.0,1e300, 3.14159265358979, 123456789012, 0.1],'
                    ' "c":"\\u00e9\\n\\/\\ud83d\\ude00", "d":null,"e":true, "f":{}, "g":[],'
                    ' "h":{"x":[{"y":false}]}, "k":"v", "k":"dup"} ')

    def test_raw_json_payload_is_reprinted(self):
        out = self.assert_same_json("%J", ["-m", self.JSON_PAYLOAD])
        self.assertIn(b'"payload":{"a":1.5,"b":[1,2000,-0,1e+300,', out)

    def test_raw_json_payload_pretty(self):
        self.assert_same_json("%J", ["-m", self.JSON_PAYLOAD] + PROPERTIES, ["--pretty"])

    def test_raw_json_scalars(self):
        for payload in ("42", ' "s" ', "[1, 2]", "-7.25e-3"):
            with self.subTest(payload=payload):
                self.assert_same_json("%J", ["-m", payload])

    def test_payload_that_is_not_json(self):
        for payload in ("{", "nope", '{"a":1,}', "[1 2]", '"\\x"', "1 2", "{'a':1}"):
            with self.subTest(payload=payload):
                out = self.assert_same("%J", ["-m", payload])
                self.assertEqual(out, b"\n")

    def test_bad_formats_are_refused_by_both(self):
        for fmt in ("%", "a%", "%5", "%-", "a@", "a\\", "%z", "x\\z"):
            with self.subTest(fmt=fmt):
                theirs = subprocess.run(["mosquitto_sub", "-p", self.port, "-t", "t", "-F", fmt],
                                        capture_output=True, timeout=TIMEOUT)
                code, out, err = run(["sub", "-p", self.port, "-t", "t", "-F", fmt])
                self.assertEqual((code, out), (theirs.returncode, b""))
                self.assertEqual(code, 1)
                # The same words and empty lines, but for the program's name.
                self.assertEqual(err, theirs.stderr.decode().replace("'mosquitto_sub --help'",
                                                                     "'portmqtt sub --help'"))


class FollowsTheManualTest(BrokerTest):
    """Where mosquitto_sub contradicts its manual or drops bytes, ours does not."""

    def test_payload_and_hex_widths(self):
        # mosquitto_sub cuts %p and %x at the width and halves the hex digits; the manual
        # calls the width "the minimum width".
        mosquitto_pub(self.broker, ["-t", "w", "-m", "hi", "-r"])
        code, out, _ = run(["sub", "-p", self.port, "-t", "w", "-C", "1",
                            "-F", "%6p|%-6p|%06p|%08x|%-6X|%1p|%1x"])
        self.assertEqual((code, out),
                         (0, b"    hi|"   # right aligned in 6
                             b"hi    |"   # left aligned in 6
                             b"    hi|"   # the 0 flag does not apply to %p
                             b"00006869|"  # hex zero padded to 8 digits
                             b"6869  |"   # upper-case hex left aligned in 6
                             b"hi|"       # longer than the width: whole
                             b"6869\n"))

    def test_json_keeps_the_bytes_after_a_nul(self):
        path = f"{self.broker.dir}/payload"
        with open(path, "wb") as out:
            out.write(b"a\x00b")
        mosquitto_pub(self.broker, ["-t", "nul", "-f", path, "-r"])
        code, out, _ = run(["sub", "-p", self.port, "-t", "nul", "-C", "1", "-F", "%j"])
        self.assertEqual(code, 0)
        self.assertTrue(out.endswith(b'"payload":"a\\u0000b"}\n'), out)


if __name__ == "__main__":
    unittest.main()
