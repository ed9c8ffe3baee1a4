// MQTT 5 server redirection against a scripted broker that sends the client to a real
// mosquitto (mosquitto itself never redirects).
//
// The scripted broker implements, from the MQTT 5.0 specification:
// - §3.2.2.2: CONNACK reason 0x9C "Use another server" (temporarily) or 0x9D "Server moved"
//   (permanently), and §3.2.2.3.16 the Server Reference property (0x1C, a UTF-8 string) "to
//   identify another Server to use"; after a refusal the server closes the connection.
// - §3.14.2.1 / §3.14.2.2.5: the same reason codes and property in a DISCONNECT sent by the
//   server after a successful CONNACK.
// - §4.11: the reference format, "myserver.xyz.org:8883" style entries separated by spaces.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"
#include "tls_certs.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

class RedirectingBroker {
 public:
  enum class Mode { refuse, disconnect_after_connack };

  RedirectingBroker(Mode mode, std::uint8_t reason, std::string reference)
      : mode_(mode), reason_(reason), reference_(std::move(reference)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener_, 8) != 0) {
      ADD_FAILURE() << "scripted broker cannot listen";
    }
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RedirectingBroker() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  void set_reference(std::string reference) {
    std::lock_guard lock(mutex_);
    reference_ = std::move(reference);
  }
  std::uint16_t port() const { return port_; }
  std::string uri() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  bool saw_bad_connect() const { return bad_connect_; }

 private:
  static bool wait_readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, ms) == 1;
  }
  // Reads one whole packet (fixed header, remaining length, body) within a few seconds.
  static std::vector<std::uint8_t> read_packet(int fd) {
    std::vector<std::uint8_t> packet;
    auto read_byte = [&](std::uint8_t& b) {
      return wait_readable(fd, 5000) && ::recv(fd, &b, 1, 0) == 1;
    };
    std::uint8_t b = 0;
    if (!read_byte(b)) return {};
    packet.push_back(b);
    std::size_t remaining = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      if (!read_byte(b)) return {};
      packet.push_back(b);
      remaining |= static_cast<std::size_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) break;
    }
    while (remaining-- > 0) {
      if (!read_byte(b)) return {};
      packet.push_back(b);
    }
    return packet;
  }
  // CONNACK or DISCONNECT with `reason` and a Server Reference.
  std::vector<std::uint8_t> redirect_packet(std::uint8_t type) {
    std::string reference;
    {
      std::lock_guard lock(mutex_);
      reference = reference_;
    }
    std::vector<std::uint8_t> props{0x1C, static_cast<std::uint8_t>(reference.size() >> 8),
                                    static_cast<std::uint8_t>(reference.size() & 0xFF)};
    props.insert(props.end(), reference.begin(), reference.end());
    std::vector<std::uint8_t> body;
    if (type == 0x20) body.push_back(0x00);  // CONNACK: acknowledge flags
    body.push_back(reason_);
    body.push_back(static_cast<std::uint8_t>(props.size()));  // < 128 here
    body.insert(body.end(), props.begin(), props.end());
    std::vector<std::uint8_t> packet{type, static_cast<std::uint8_t>(body.size())};
    packet.insert(packet.end(), body.begin(), body.end());
    return packet;
  }
  void serve() {
    while (!stop_) {
      if (!wait_readable(listener_, 50)) continue;
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      auto connect = read_packet(fd);
      // CONNECT, protocol level 5.
      if (connect.size() < 10 || connect[0] != 0x10 || connect[8] != 5) bad_connect_ = true;
      std::vector<std::uint8_t> reply;
      if (mode_ == Mode::refuse) {
        reply = redirect_packet(0x20);
      } else {
        reply = {0x20, 0x03, 0x00, 0x00, 0x00};  // CONNACK success, no properties
        auto disconnect = redirect_packet(0xE0);
        reply.insert(reply.end(), disconnect.begin(), disconnect.end());
      }
      (void)::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::shutdown(fd, SHUT_WR);
      // The client closes after the refusal or the DISCONNECT; wait for that, bounded.
      std::uint8_t sink[256];
      while (wait_readable(fd, 2000) && ::recv(fd, sink, sizeof sink, 0) > 0) {
      }
      ::close(fd);
    }
  }

  Mode mode_;
  std::uint8_t reason_;
  std::mutex mutex_;
  std::string reference_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<bool> bad_connect_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct Trail {
  Trail(Client& client, Recorder& rec) : client_(client), rec_(rec) {
    client.on_event([this](const Event& event) {
      if (const auto* e = std::get_if<BeforeConnect>(&event)) {
        rec_.record(
            [&] { attempts.push_back(std::string{e->broker} + (e->redirected ? "*" : "")); });
      } else if (const auto* c = std::get_if<Connected>(&event)) {
        rec_.record([&] { connections.emplace_back(c->broker); });
      } else if (const auto* d = std::get_if<Disconnected>(&event)) {
        rec_.record([&] { redirects.emplace_back(d->redirect); });
      }
    });
  }
  std::vector<std::string> attempts;  // "*": the attempt follows a redirection
  std::vector<std::string> connections;
  std::vector<std::string> redirects;  // per Disconnected
  // Declared after the recorder, so destroyed first: no handler may run on a dead trail.
  ~Trail() { client_.stop(); }
  Trail(const Trail&) = delete;
  Trail& operator=(const Trail&) = delete;

 private:
  Client& client_;
  Recorder& rec_;
};

Config v5(const std::string& uri, const std::string& id) {
  Config c;
  c.broker.uri = uri;
  c.credentials.client_id = id;
  c.session.protocol_version = ProtocolVersion::v5;
  c.network.reconnect.interval = 200ms;
  return c;
}

std::string host_port(const Mosquitto& broker) {
  return "127.0.0.1:" + std::to_string(broker.port());
}

TEST(Redirect, ConnackUseAnotherServerIsFollowedEachTime) {
  Mosquitto broker;
  // Two entries: the first is not listening, the second is the real broker.
  const std::uint16_t closed = free_port();
  RedirectingBroker scripted{RedirectingBroker::Mode::refuse, 0x9C,
                             "127.0.0.1:" + std::to_string(closed) + " " + host_port(broker)};
  Client client{v5(scripted.uri(), "redir-connack")};
  Recorder rec{client};
  Trail trail{client, rec};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected(1));
  ASSERT_TRUE(broker.wait_for_log("as redir-connack (p5", 5s)) << broker.log();
  // Use another server is temporary: after a lost connection the client asks the first
  // broker again, which sends it on again.
  ASSERT_FALSE(client.disconnect());
  ASSERT_TRUE(rec.wait([&] { return trail.connections.size() == 2; }));
  std::lock_guard lock(rec.mutex);
  const std::string scripted_uri = "mqtt://127.0.0.1:" + std::to_string(scripted.port());
  const std::string real = "mqtt://" + host_port(broker);
  const std::string dead = "mqtt://127.0.0.1:" + std::to_string(closed);
  EXPECT_EQ(trail.attempts, (std::vector<std::string>{scripted_uri, dead + "*", real + "*",
                                                      scripted_uri, dead + "*", real + "*"}));
  EXPECT_EQ(trail.connections, (std::vector<std::string>{real, real}));
  ASSERT_GE(trail.redirects.size(), 2u);
  EXPECT_EQ(trail.redirects[0], "127.0.0.1:" + std::to_string(closed));
  EXPECT_EQ(trail.redirects[1], host_port(broker));
  ASSERT_FALSE(rec.errors.empty());
  EXPECT_EQ(rec.errors[0].kind, ErrorKind::connection_refused);
  EXPECT_EQ(rec.errors[0].connect_reason, ReasonCode::use_another_server);
  EXPECT_EQ(scripted.connections(), 2);
  EXPECT_FALSE(scripted.saw_bad_connect());
}

TEST(Redirect, DisconnectServerMovedIsFollowedAndRemembered) {
  Mosquitto broker;
  RedirectingBroker scripted{RedirectingBroker::Mode::disconnect_after_connack, 0x9D,
                             host_port(broker)};
  Client client{v5(scripted.uri(), "redir-moved")};
  Recorder rec{client};
  Trail trail{client, rec};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected(2));  // the scripted broker's CONNACK, then mosquitto
  ASSERT_FALSE(client.disconnect());
  // Straight to mosquitto: the move is remembered.
  ASSERT_TRUE(rec.wait([&] { return trail.connections.size() == 3; }));
  std::lock_guard lock(rec.mutex);
  const std::string real = "mqtt://" + host_port(broker);
  EXPECT_EQ(trail.connections, (std::vector<std::string>{scripted.uri(), real, real}));
  EXPECT_EQ(trail.attempts, (std::vector<std::string>{scripted.uri(), real + "*", real}));
  ASSERT_FALSE(rec.disconnects.empty());
  EXPECT_EQ(rec.disconnects[0].error, errc::server_disconnected);
  EXPECT_EQ(trail.redirects[0], host_port(broker));
  EXPECT_EQ(scripted.connections(), 1);
}

TEST(Redirect, LoopsAreNotFollowedAndTheReconnectDelayComes) {
  RedirectingBroker a{RedirectingBroker::Mode::refuse, 0x9C, ""};
  RedirectingBroker b{RedirectingBroker::Mode::refuse, 0x9C,
                      "127.0.0.1:" + std::to_string(a.port())};
  a.set_reference("127.0.0.1:" + std::to_string(b.port()));
  Config c = v5(a.uri(), "redir-loop");
  c.network.reconnect.interval = 60s;
  Client client{c};
  Recorder rec{client};
  Trail trail{client, rec};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return rec.disconnects.size() >= 3; }));
  std::this_thread::sleep_for(300ms);  // nothing more may come before the 60 s delay
  std::lock_guard lock(rec.mutex);
  // a -> b (followed), b -> a (a loop: back to the list, that is a), a -> b (a loop again:
  // the attempt failed, the round is over).
  EXPECT_EQ(trail.attempts, (std::vector<std::string>{a.uri(), b.uri() + "*", a.uri()}));
  EXPECT_EQ(rec.disconnects.size(), 3u);
  EXPECT_EQ(client.state(), ConnectionState::waiting_reconnect);
}

TEST(Redirect, NotFollowedWhenTurnedOff) {
  Mosquitto broker;
  RedirectingBroker scripted{RedirectingBroker::Mode::refuse, 0x9C, host_port(broker)};
  Config c = v5(scripted.uri(), "redir-off");
  c.broker.redirect.follow = false;
  c.network.reconnect.interval = 60s;
  Client client{c};
  Recorder rec{client};
  Trail trail{client, rec};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  std::this_thread::sleep_for(300ms);
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(trail.attempts.size(), 1u);
  EXPECT_EQ(trail.redirects, (std::vector<std::string>{""}));
  EXPECT_EQ(rec.connected, 0);
}

}  // namespace
}  // namespace portmqtt::test
