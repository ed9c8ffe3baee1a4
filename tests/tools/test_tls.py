"""`portmqtt pub` / `sub` TLS flags against mosquitto TLS listeners (and, for ALPN, a Python TLS
server that reports the protocol chosen), with certificates made by openssl for this run."""

import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import unittest

from harness import Broker, Peer, free_port, run

# EC keys are quick to make. The CA signs a server certificate for localhost / 127.0.0.1, one
# for another name, and a client certificate; "other" is a CA that signed none of them.
CERT_SCRIPT = r"""set -e
selfsigned() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$1.key" -out "$1.crt" -days 30 -subj "/CN=$2" 2>/dev/null; }
signed() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
  -extfile "$1.ext" -out "$1.crt" 2>/dev/null; }
selfsigned ca "portmqtt tools test CA"
selfsigned other "unrelated CA"
signed server localhost "subjectAltName=DNS:localhost,IP:127.0.0.1"
signed wrong wrong.example "subjectAltName=DNS:wrong.example"
signed client portmqtt-client "extendedKeyUsage=clientAuth"
mkdir capath && cp ca.crt capath/ && openssl rehash capath
"""

PSK_HEX = "00112233445566778899aabbccddeeff"


class TlsBroker:
    """One mosquitto with a plain listener (for the peer) and a TLS listener per case."""

    LISTENERS = {
        "server": "certfile {d}/server.crt\nkeyfile {d}/server.key\n",
        "wrong": "certfile {d}/wrong.crt\nkeyfile {d}/wrong.key\n",
        "mutual": "certfile {d}/server.crt\nkeyfile {d}/server.key\nrequire_certificate true\n",
        "psk": "psk_hint portmqtt-hint\npsk_file {d}/psk\n",
    }

    def __init__(self, cert_dir):
        self.ports = {name: free_port() for name in self.LISTENERS}
        extra = "allow_anonymous true\n"
        for name, lines in self.LISTENERS.items():
            extra += f"listener {self.ports[name]} 127.0.0.1\ncafile {cert_dir}/ca.crt\n"
            extra += lines.format(d=cert_dir)
        self.broker = Broker(extra)


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="portmqtt-tools-tls-")
        subprocess.run(["/bin/sh", "-c", CERT_SCRIPT], cwd=cls.certs, check=True, timeout=60)
        with open(os.path.join(cls.certs, "psk"), "w") as out:
            out.write(f"sensor-7:{PSK_HEX}\n")
        cls.tls = TlsBroker(cls.certs)
        cls.broker = cls.tls.broker

    @classmethod
    def tearDownClass(cls):
        cls.broker.stop()
        shutil.rmtree(cls.certs, ignore_errors=True)

    def file(self, name):
        return os.path.join(self.certs, name)

    def pub(self, listener, *args, env=None, host="localhost"):
        """Publishes "m" to tls/<listener> over TLS; (exit code, stderr)."""
        command = ["pub", "-h", host, "-p", str(self.tls.ports[listener]), "-t",
                   f"tls/{listener}", "-m", "m"] + list(args)
        if env is None:
            code, _, err = run(command)
        else:
            done = subprocess.run([os.environ.get("PORTMQTT_BIN", "portmqtt")] + command,
                                  capture_output=True, timeout=20, env=env)
            code, err = done.returncode, done.stderr.decode(errors="replace")
        return code, err

    def assert_delivered(self, listener, *args, **kwargs):
        peer = Peer(self.broker, f"tls/{listener}", ["-C", "1", "-W", "10"])
        code, err = self.pub(listener, *args, **kwargs)
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(peer.result()[:2], (0, b"m\n"))

    def assert_refused(self, listener, *args, needle="", **kwargs):
        code, err = self.pub(listener, *args, **kwargs)
        self.assertNotEqual(code, 0)
        self.assertTrue(err.startswith("Error: "), err)
        self.assertIn(needle, err)
        self.assertEqual(err.count("\n"), 1, err)  # one clear line, no retry loop

    def test_cafile_verifies_the_broker(self):
        self.assert_delivered("server", "--cafile", self.file("ca.crt"))

    def test_cafile_of_another_ca_is_refused(self):
        self.assert_refused("server", "--cafile", self.file("other.crt"), needle="ertificate")

    def test_capath(self):
        self.assert_delivered("server", "--capath", self.file("capath"))

    def test_wrong_host_name_refused_unless_insecure(self):
        self.assert_refused("wrong", "--cafile", self.file("ca.crt"))
        self.assert_delivered("wrong", "--cafile", self.file("ca.crt"), "--insecure")

    def test_insecure_still_verifies_the_chain(self):
        self.assert_refused("wrong", "--cafile", self.file("other.crt"), "--insecure")

    def test_mutual_tls(self):
        self.assert_refused("mutual", "--cafile", self.file("ca.crt"))
        self.assert_delivered("mutual", "--cafile", self.file("ca.crt"),
                              "--cert", self.file("client.crt"), "--key", self.file("client.key"))

    def fake_pub(self, server, *args):
        code, _, err = run(["pub", "-h", "localhost", "-p", server.port, "-t", "t", "-m", "x",
                            "--cafile", self.file("ca.crt")] + list(args))
        server.close()
        return code, err

    def test_tls_version_is_the_lowest_accepted(self):
        # mosquitto's tls_version is a minimum too: a server that stops at 1.2 shows the effect.
        code, err = self.fake_pub(FakeTlsServer(self.certs, max_tls12=True),
                                  "--tls-version", "tlsv1.2")
        self.assertEqual((code, err), (0, ""))
        server = FakeTlsServer(self.certs, max_tls12=True)
        code, err = self.fake_pub(server, "--tls-version", "tlsv1.3")
        self.assertNotEqual(code, 0)
        self.assertTrue(err.startswith("Error: "), err)
        self.assertEqual(server.chosen, "handshake failed")

    def test_ciphers(self):
        kept = "ECDHE-ECDSA-AES128-GCM-SHA256"
        server = FakeTlsServer(self.certs, max_tls12=True, ciphers=kept)
        self.assertEqual(self.fake_pub(server, "--ciphers", kept), (0, ""))
        self.assertEqual(server.cipher, kept)
        server = FakeTlsServer(self.certs, max_tls12=True, ciphers=kept)
        code, err = self.fake_pub(server, "--ciphers", "ECDHE-ECDSA-CHACHA20-POLY1305")
        self.assertNotEqual(code, 0)
        self.assertTrue(err.startswith("Error: "), err)

    def test_alpn_protocol_is_offered(self):
        server = FakeTlsServer(self.certs, alpn=["x-other", "mqtt"])
        self.assertEqual(self.fake_pub(server, "--tls-alpn", "mqtt"), (0, ""))
        self.assertEqual(server.chosen, "mqtt")

    def test_psk(self):
        self.assert_delivered("psk", "--psk", PSK_HEX, "--psk-identity", "sensor-7",
                              host="127.0.0.1")
        self.assert_refused("psk", "--psk", "ff" * 16, "--psk-identity", "sensor-7",
                            host="127.0.0.1")

    def test_os_certs_follow_ssl_cert_file(self):
        env = dict(os.environ, SSL_CERT_FILE=self.file("ca.crt"))
        self.assert_delivered("server", "--tls-use-os-certs", env=env)
        env = dict(os.environ, SSL_CERT_FILE=self.file("other.crt"), SSL_CERT_DIR="/nonexistent")
        self.assert_refused("server", "--tls-use-os-certs", env=env)

    def test_mqtts_url(self):
        peer = Peer(self.broker, "tls/url", ["-C", "1", "-W", "10"])
        port = self.tls.ports["server"]
        code, _, err = run(["pub", "-L", f"mqtts://localhost:{port}/tls/url", "-m", "m",
                            "--cafile", self.file("ca.crt")])
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(peer.result()[:2], (0, b"m\n"))

    def test_sub_over_tls(self):
        port = str(self.tls.ports["mutual"])
        sub = subprocess.Popen(
            [os.environ.get("PORTMQTT_BIN", "portmqtt"), "sub", "-h", "localhost", "-p", port,
             "-i", "tls-sub", "-t", "tls/sub", "-C", "1", "--cafile", self.file("ca.crt"),
             "--cert", self.file("client.crt"), "--key", self.file("client.key")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertTrue(self.broker.wait_for_log("Sending SUBACK to tls-sub"))
        subprocess.run(["mosquitto_pub", "-p", str(self.broker.port), "-t", "tls/sub", "-m",
                        "secret"], check=True, timeout=20)
        out, _ = sub.communicate(timeout=20)
        self.assertEqual((sub.returncode, out), (0, b"secret\n"))


class FakeTlsServer:
    """Accepts one TLS connection, records the ALPN protocol and cipher chosen, answers the
    CONNECT with a CONNACK and reads until the client closes."""

    def __init__(self, cert_dir, alpn=None, max_tls12=False, ciphers=None):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(f"{cert_dir}/server.crt", f"{cert_dir}/server.key")
        if alpn:
            self.context.set_alpn_protocols(alpn)
        if max_tls12:
            self.context.maximum_version = ssl.TLSVersion.TLSv1_2
        if ciphers:
            self.context.set_ciphers(ciphers)
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = str(self.server.getsockname()[1])
        self.chosen = "not connected"
        self.cipher = None
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        raw, _ = self.server.accept()
        try:
            conn = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            self.chosen = "handshake failed"
            raw.close()
            return
        with conn:
            self.chosen = conn.selected_alpn_protocol()
            self.cipher = conn.cipher()[0]
            conn.recv(1024)  # CONNECT
            conn.sendall(bytes([0x20, 0x02,  # CONNACK, remaining length 2
                                0x00,        # session present 0
                                0x00]))      # accepted
            try:
                while conn.recv(1024):  # PUBLISH, DISCONNECT, until the client closes
                    pass
            except (ssl.SSLError, OSError):
                pass

    def close(self):
        self.thread.join(10)
        self.server.close()


if __name__ == "__main__":
    unittest.main()
