#include "tls_certs.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include "process.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

// EC keys: much faster to make than RSA, and mosquitto serves them alike.
constexpr const char* kScript = R"sh(set -e
newkey() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null; }
selfsigned() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$1.key" -out "$1.crt" -days 30 -subj "/CN=$2" 2>/dev/null; }
sign() { openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
  -extfile "$1.ext" -out "$1.crt" 2>/dev/null; }

selfsigned ca "portmqtt test CA"
selfsigned other_ca "unrelated test CA"
newkey server localhost
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > server.ext
sign server
newkey wrong wrong.example
printf 'subjectAltName=DNS:wrong.example\n' > wrong.ext
sign wrong
newkey client portmqtt-client
printf 'extendedKeyUsage=clientAuth\n' > client.ext
sign client

# openssl ca is what can date a certificate into the past.
mkdir -p ca_db && : > ca_db/index.txt && echo 1000 > ca_db/serial
cat > ca.cnf <<'CNF'
[ca]
default_ca = test_ca
[test_ca]
dir = ./ca_db
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
certificate = ca.crt
private_key = ca.key
default_md = sha256
policy = any
copy_extensions = copy
[any]
commonName = supplied
CNF
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout expired.key \
  -out expired.csr -subj /CN=localhost \
  -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' 2>/dev/null
openssl ca -batch -config ca.cnf -in expired.csr -out expired.crt -notext \
  -startdate 20200101000000Z -enddate 20200201000000Z 2>/dev/null

openssl x509 -in ca.crt -outform DER -out ca.der
openssl x509 -in client.crt -outform DER -out client.der
openssl pkcs8 -topk8 -nocrypt -in client.key -outform DER -out client_key.der
openssl pkcs8 -topk8 -in client.key -v2 aes-256-cbc -passout "pass:$PASSWORD" \
  -out client_enc.key
openssl pkcs8 -topk8 -in client.key -v2 aes-256-cbc -passout "pass:$PASSWORD" \
  -outform DER -out client_enc_key.der
)sh";

TlsFiles make_files(const std::filesystem::path& dir) {
  write_file(dir / "make.sh", kScript);
  Process openssl({"/usr/bin/env", "PASSWORD=" + std::string(kClientKeyPassword), "/bin/sh", "-c",
                   "cd '" + dir.string() + "' && sh make.sh"},
                  dir / "make.out", dir / "make.err");
  if (openssl.wait(60s) != 0)
    throw std::runtime_error("making certificates failed: " + read_file(dir / "make.err"));
  return {
      .dir = dir,
      .ca_cert = dir / "ca.crt",
      .ca_cert_der = dir / "ca.der",
      .other_ca_cert = dir / "other_ca.crt",
      .server_cert = dir / "server.crt",
      .server_key = dir / "server.key",
      .wrong_name_cert = dir / "wrong.crt",
      .wrong_name_key = dir / "wrong.key",
      .expired_cert = dir / "expired.crt",
      .expired_key = dir / "expired.key",
      .client_cert = dir / "client.crt",
      .client_key = dir / "client.key",
      .client_cert_der = dir / "client.der",
      .client_key_der = dir / "client_key.der",
      .client_key_encrypted = dir / "client_enc.key",
      .client_key_encrypted_der = dir / "client_enc_key.der",
  };
}

}  // namespace

const TlsFiles& test_certificates() {
  static const auto dir = std::make_unique<TempDir>();
  static const TlsFiles files = make_files(dir->path());
  return files;
}

// A random port below Linux's ephemeral range (32768-60999), so that no outgoing connection
// of a test running in parallel can take it as its source port, and free right now. Tests in
// parallel still may draw the same port; Mosquitto::start() notices and draws again.
std::uint16_t free_port() {
  static std::mt19937 random{static_cast<std::uint32_t>(getpid()) ^
                             static_cast<std::uint32_t>(std::random_device{}())};
  std::uniform_int_distribution<int> range(20000, 32767);
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(range(random)));
    const bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (free) return ntohs(addr.sin_port);
  }
  throw std::runtime_error("no free port");
}

std::string tls_listener_config(std::uint16_t port, const std::filesystem::path& cert,
                                const std::filesystem::path& key, const std::string& extra) {
  return "listener " + std::to_string(port) + " 127.0.0.1\n" + "cafile " +
         test_certificates().ca_cert.string() + "\n" + "certfile " + cert.string() + "\n" +
         "keyfile " + key.string() + "\n" + extra + "\n";
}

}  // namespace portmqtt::test
