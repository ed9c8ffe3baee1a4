"""`portmqtt pub` / `sub -L ws://` and `wss://` against the aedes WebSocket broker in
tests/ws_server (node), which prints each upgrade request and each PUBLISH it receives."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import PORTMQTT, TIMEOUT, free_port, run
from test_tls import CERT_SCRIPT

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ws_server", "server.js")
NODE = shutil.which("node") or "/usr/bin/node"


class WsServer:
    def __init__(self, cert_dir=None):
        self.port = free_port()
        self.out = tempfile.NamedTemporaryFile(prefix="portmqtt-tools-ws-", delete=False)
        tls = [f"{cert_dir}/server.crt", f"{cert_dir}/server.key"] if cert_dir else []
        self.process = subprocess.Popen([NODE, SERVER, str(self.port), "normal"] + tls,
                                        stdout=self.out, stderr=subprocess.DEVNULL)
        if not self.wait_for("listening"):
            self.stop()
            raise RuntimeError("the WebSocket broker did not start")

    def output(self):
        with open(self.out.name, errors="replace") as out:
            return out.read()

    def wait_for(self, needle, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.output():
                return True
            time.sleep(0.02)
        return False

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(10)
        os.unlink(self.out.name)


@unittest.skipUnless(os.path.isdir(os.path.join(os.path.dirname(SERVER), "node_modules")),
                     "tests/ws_server has no node_modules (run npm ci there)")
class WsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="portmqtt-tools-ws-certs-")
        subprocess.run(["/bin/sh", "-c", CERT_SCRIPT], cwd=cls.certs, check=True, timeout=60)
        cls.ws = WsServer()
        cls.wss = WsServer(cls.certs)

    @classmethod
    def tearDownClass(cls):
        cls.ws.stop()
        cls.wss.stop()
        shutil.rmtree(cls.certs, ignore_errors=True)

    def test_pub_over_ws_url(self):
        code, _, err = run(["pub", "-L", f"ws://localhost:{self.ws.port}/w/pub", "-m", "over ws"])
        self.assertEqual((code, err), (0, ""))
        self.assertIn("upgrade / protocol=mqtt", self.ws.output())
        self.assertTrue(self.ws.wait_for("publish w/pub over ws\n"))

    def test_pub_qos1_over_wss_url(self):
        code, _, err = run(["pub", "-L", f"wss://localhost:{self.wss.port}/w/secure", "-m", "s",
                            "-q", "1", "--cafile", f"{self.certs}/ca.crt"])
        self.assertEqual((code, err), (0, ""))
        self.assertTrue(self.wss.wait_for("publish w/secure s\n"))

    def test_wss_with_an_untrusted_certificate_is_refused(self):
        code, _, err = run(["pub", "-L", f"wss://localhost:{self.wss.port}/w/no", "-m", "x",
                            "--cafile", f"{self.certs}/other.crt"])
        # A TLS failure exits 8, as mosquitto's tools do.
        self.assertEqual((code, err), (8, "Error: Server certificate verification failed\n"))
        self.assertNotIn("publish w/no", self.wss.output())

    def test_sub_over_ws_receives_pub_over_ws(self):
        sub = subprocess.Popen([PORTMQTT, "sub", "-L", f"ws://localhost:{self.ws.port}/w/sub",
                                "-C", "1", "-v", "-d", "-i", "ws-sub"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # -d prints the SUBACK before anything else; wait for it before publishing.
        lines = []
        while not any("received SUBACK" in line for line in lines):
            line = sub.stdout.readline().decode()
            self.assertTrue(line, "sub ended before its SUBACK")
            lines.append(line)
        code, _, _ = run(["pub", "-L", f"ws://localhost:{self.ws.port}/w/sub", "-m", "hello"])
        self.assertEqual(code, 0)
        out, _ = sub.communicate(timeout=TIMEOUT)
        self.assertEqual(sub.returncode, 0)
        self.assertIn(b"w/sub hello\n", out)


if __name__ == "__main__":
    unittest.main()
