// Connecting through proxies from Debian packages started on loopback: tinyproxy (HTTP
// CONNECT with Basic authentication) and microsocks (SOCKS5 with username/password), to a
// mosquitto over mqtt:// and mqtts:// (TLS end to end inside the tunnel).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "process.hpp"
#include "recorder.hpp"
#include "tls_certs.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

/// A proxy process on a free loopback port, stopped by pid at the end.
class ProxyProcess {
 public:
  std::uint16_t port() const { return port_; }
  std::string log() const {
    return read_file(dir_.path() / "out.log") + read_file(dir_.path() / "proxy.log");
  }

 protected:
  void launch(std::vector<std::string> argv) {
    process_ = std::make_unique<Process>(std::move(argv), dir_.path() / "out.log",
                                         dir_.path() / "err.log");
    for (int i = 0; i < 500 && !accepts(port_); ++i)
      std::this_thread::sleep_for(10ms);  // nothing to wait on but the port
    if (!accepts(port_))
      throw std::runtime_error("proxy did not start: " + read_file(dir_.path() / "err.log"));
  }
  TempDir dir_;
  std::uint16_t port_ = free_port();
  std::unique_ptr<Process> process_;
};

class TinyProxy : public ProxyProcess {
 public:
  TinyProxy(std::uint16_t broker_port, const std::string& user, const std::string& password) {
    std::string conf = "Port " + std::to_string(port_) +
                       "\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\nMaxClients 16\n"
                       "LogLevel Info\nLogFile \"" +
                       (dir_.path() / "proxy.log").string() + "\"\nConnectPort " +
                       std::to_string(broker_port) + "\n";
    if (!user.empty()) conf += "BasicAuth " + user + " " + password + "\n";
    write_file(dir_.path() / "tinyproxy.conf", conf);
    launch({"/usr/bin/tinyproxy", "-d", "-c", (dir_.path() / "tinyproxy.conf").string()});
  }
};

class MicroSocks : public ProxyProcess {
 public:
  MicroSocks(const std::string& user, const std::string& password) {
    std::vector<std::string> argv{"/usr/bin/microsocks", "-i", "127.0.0.1", "-p",
                                  std::to_string(port_)};
    if (!user.empty()) argv.insert(argv.end(), {"-u", user, "-P", password});
    launch(std::move(argv));
  }
};

Config through(const std::string& broker_uri, const std::string& proxy, const std::string& id) {
  Config c;
  c.broker.uri = broker_uri;
  c.credentials.client_id = id;
  c.network.proxy = proxy;
  c.network.timeout = 5s;
  c.network.reconnect.interval = 60s;
  return c;
}

void expect_round_trip(Client& client, Recorder& rec, const std::string& topic) {
  ASSERT_TRUE(rec.wait_connected()) << (rec.errors.empty() ? "" : rec.errors[0].error.message());
  ASSERT_TRUE(client.subscribe(topic, {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() == 1; }));
  ASSERT_TRUE(client.publish(topic, "through the proxy", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait_messages(1));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.messages[0].payload, "through the proxy");
}

TEST(Proxy, HttpConnectWithBasicAuthentication) {
  Mosquitto broker;
  TinyProxy proxy{broker.port(), "alice", "wonder"};
  Client client{through(
      broker.uri(), "http://alice:wonder@127.0.0.1:" + std::to_string(proxy.port()), "px-http")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  expect_round_trip(client, rec, "px/http");
  EXPECT_NE(proxy.log().find("CONNECT"), std::string::npos) << proxy.log();
  EXPECT_TRUE(broker.wait_for_log("as px-http", 5s));
}

TEST(Proxy, HttpConnectWithAWrongPasswordIsAnAuthenticationError) {
  Mosquitto broker;
  TinyProxy proxy{broker.port(), "alice", "wonder"};
  Client client{through(broker.uri(), "http://alice:nope@127.0.0.1:" + std::to_string(proxy.port()),
                        "px-bad")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  std::lock_guard lock(rec.mutex);
  ASSERT_FALSE(rec.errors.empty());
  EXPECT_EQ(rec.errors[0].kind, ErrorKind::transport);
  EXPECT_EQ(std::string{rec.errors[0].error.category().name()}, "portmqtt.proxy");
  EXPECT_NE(rec.errors[0].error.message().find("credentials"), std::string::npos)
      << rec.errors[0].error.message();
  EXPECT_EQ(rec.connected, 0);
}

TEST(Proxy, Socks5WithPasswordAndRemoteNameResolution) {
  Mosquitto broker;
  MicroSocks proxy{"bob", "builder"};
  // "localhost" goes to the proxy as a name: the proxy resolves it.
  Client client{through("mqtt://localhost:" + std::to_string(broker.port()),
                        "socks5h://bob:builder@127.0.0.1:" + std::to_string(proxy.port()),
                        "px-socks")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  expect_round_trip(client, rec, "px/socks");
  EXPECT_TRUE(broker.wait_for_log("as px-socks", 5s));
}

TEST(Proxy, Socks5RefusesWrongCredentials) {
  Mosquitto broker;
  MicroSocks proxy{"bob", "builder"};
  Client client{through(broker.uri(),
                        "socks5://bob:wrong@127.0.0.1:" + std::to_string(proxy.port()),
                        "px-socks-bad")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  std::lock_guard lock(rec.mutex);
  ASSERT_FALSE(rec.errors.empty());
  EXPECT_EQ(std::string{rec.errors[0].error.category().name()}, "portmqtt.proxy");
  EXPECT_EQ(rec.connected, 0);
}

TEST(Proxy, TlsRunsEndToEndInsideASocks5Tunnel) {
  const TlsFiles& files = test_certificates();
  const std::uint16_t tls_port = free_port();
  Mosquitto broker{
      {.extra_config = tls_listener_config(tls_port, files.server_cert, files.server_key)}};
  MicroSocks proxy{"", ""};
  Config c = through("mqtts://localhost:" + std::to_string(tls_port),
                     "socks5://127.0.0.1:" + std::to_string(proxy.port()), "px-tls");
  c.tls.ca_certificate = read_file(files.ca_cert);  // the broker's name is checked as usual
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  expect_round_trip(client, rec, "px/tls");
}

TEST(Proxy, BadProxyUrisAreRefusedUpFront) {
  Mosquitto broker;
  for (const char* bad : {"ftp://127.0.0.1:1", "http://", "socks5://host:0", "http://h:1/path"}) {
    Client client{through(broker.uri(), bad, "px-uri")};
    EXPECT_EQ(client.start(), errc::invalid_uri) << bad;
  }
}

}  // namespace
}  // namespace portmqtt::test
