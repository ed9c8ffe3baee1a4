// A broker list against three mosquitto instances: the broker in use is killed, the client
// moves on to the next one and messages keep flowing; every attempt names its broker. And a
// bridged pair: a subscriber on the second broker misses nothing across the failover.
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

/// The broker of every attempt and connection, in order.
struct BrokerTrail {
  explicit BrokerTrail(Client& client, Recorder& rec) : client_(client), rec_(rec) {
    client.on_event([this](const Event& event) {
      if (const auto* before = std::get_if<BeforeConnect>(&event)) {
        rec_.record([&] { attempts.emplace_back(before->broker); });
      } else if (const auto* connected = std::get_if<Connected>(&event)) {
        rec_.record([&] { connections.emplace_back(connected->broker); });
      }
    });
  }
  std::vector<std::string> attempts;     // guarded by the recorder's mutex
  std::vector<std::string> connections;  // idem
  // Declared after the recorder, so destroyed first: no handler may run on a dead trail.
  ~BrokerTrail() { client_.stop(); }
  BrokerTrail(const BrokerTrail&) = delete;
  BrokerTrail& operator=(const BrokerTrail&) = delete;

 private:
  Client& client_;
  Recorder& rec_;
};

std::string tcp(const Mosquitto& broker) {
  return "mqtt://127.0.0.1:" + std::to_string(broker.port());
}

class FailoverTest : public ::testing::Test {
 protected:
  Config config() const {
    Config c;
    c.broker.uri = m1.uri();
    c.broker.failover_uris = {m2.uri(), m3.uri()};
    c.credentials.client_id = "failover";
    c.network.reconnect.interval = 200ms;
    c.network.timeout = 3s;
    return c;
  }
  // Subscribes on the broker now in use and sends `count` QoS 1 messages through it.
  void round_trip(Client& client, Recorder& rec, int count) {
    // Read under the lock: after a failover the client resubscribes on its own, and that
    // SUBACK may be recorded at this very moment.
    const std::size_t subacks = rec.locked([&] { return rec.subacks.size(); });
    ASSERT_TRUE(client.subscribe("fo/#", {.qos = QoS::at_least_once}));
    ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() > subacks; }));
    const std::size_t before = rec.locked([&] { return rec.messages.size(); });
    for (int i = 0; i < count; ++i)
      ASSERT_TRUE(client.publish("fo/x", std::to_string(sent_++), {.qos = QoS::at_least_once}));
    ASSERT_TRUE(rec.wait_messages(before + static_cast<std::size_t>(count)));
  }

  Mosquitto m1, m2, m3;
  int sent_ = 0;
};

TEST_F(FailoverTest, MovesOnWhenTheBrokerInUseDiesAndComesBack) {
  Client client{config()};
  Recorder rec{client};
  BrokerTrail trail{client, rec};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected(1));
  round_trip(client, rec, 5);

  m1.stop(SIGKILL);  // the broker in use
  // Published while the client notices and fails over: kept in the outbox, sent to m2.
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(client.publish("fo/offline", "o", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait_connected(2));
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() == 8; })) << rec.published.size();
  round_trip(client, rec, 5);

  m1.start();
  m2.stop(SIGKILL);  // sticky to m2 until now; next in the list is m3
  ASSERT_TRUE(rec.wait_connected(3));
  round_trip(client, rec, 5);

  m3.stop(SIGKILL);  // the round wraps: m1 is back
  ASSERT_TRUE(rec.wait([&] { return trail.connections.size() == 4; }));
  round_trip(client, rec, 5);
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() == 23; })) << rec.published.size();

  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(trail.connections, (std::vector<std::string>{tcp(m1), tcp(m2), tcp(m3), tcp(m1)}));
  // Each loss: the broker in use first (sticky), then the next one at once.
  EXPECT_EQ(trail.attempts, (std::vector<std::string>{tcp(m1), tcp(m1), tcp(m2), tcp(m2), tcp(m3),
                                                      tcp(m3), tcp(m1)}));
  EXPECT_EQ(rec.messages.size(), 20u);
  EXPECT_TRUE(rec.deleted.empty());
}

TEST_F(FailoverTest, AFailedRoundWaitsForTheReconnectDelayAndSetConfigChecksTheList) {
  m2.stop(SIGKILL);
  m3.stop(SIGKILL);
  Config c = config();
  c.broker.uri = m2.uri();
  c.broker.failover_uris = {m3.uri(), m1.uri()};
  c.network.reconnect.interval = 300ms;
  Client client{c};
  Recorder rec{client};
  BrokerTrail trail{client, rec};
  const auto started = std::chrono::steady_clock::now();
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return trail.connections.size() == 1; }));
  // m2 and m3 refuse, m1 takes it within the same round: no reconnect delay was waited.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  {
    std::lock_guard lock(rec.mutex);
    EXPECT_EQ(trail.attempts, (std::vector<std::string>{tcp(m2), tcp(m3), tcp(m1)}));
    EXPECT_EQ(rec.disconnects.size(), 2u);
  }
  Config bad = c;
  bad.broker.failover_uris.push_back("gopher://x");
  EXPECT_EQ(client.set_config(bad), errc::invalid_uri);
}

// Two brokers bridged (mosquitto's bridge from `a` to `b`, topic br/# both ways) behind one
// broker list: a subscriber on `b` sees every message the client publishes, first through the
// bridge, then, once `a` is killed and the client moved to `b`, directly.
TEST(BridgedPair, ASubscriberOnTheOtherBrokerMissesNothingAcrossTheFailover) {
  Mosquitto b;
  Mosquitto a{{.extra_config = "connection to_b\naddress 127.0.0.1:" + std::to_string(b.port()) +
                               "\nremote_clientid bridge-a\ntopic br/# both 1\n"}};
  ASSERT_TRUE(b.wait_for_log("as bridge-a", 10s)) << a.log();
  MosquittoSub sub(b,
                   {.topic = "br/#", .qos = 1, .count = 20, .client_id = "br-sub", .format = "%p"});
  ASSERT_TRUE(sub.wait_subscribed());

  Config c;
  c.broker.uri = a.uri();
  c.broker.failover_uris = {b.uri()};
  c.credentials.client_id = "bridged";
  c.network.reconnect.interval = 200ms;
  Client client{c};
  Recorder rec{client};
  BrokerTrail trail{client, rec};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected(1));
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(client.publish("br/x", "m" + std::to_string(i), {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() == 10; }));
  // `a` acknowledged them; what it has not yet passed over the bridge would die with it (the
  // broker's loss, not the client's), so the kill waits until `b` has them all.
  ASSERT_TRUE(b.wait_for_log("Received PUBLISH from bridge-a", 10s, 10)) << b.log();

  a.stop(SIGKILL);
  for (int i = 10; i < 20; ++i)
    ASSERT_TRUE(client.publish("br/x", "m" + std::to_string(i), {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait_connected(2));
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() == 20; })) << rec.published.size();
  ASSERT_EQ(sub.wait(20s), 0) << sub.output();

  // Every message once: each was acknowledged before the next step, so none was resent.
  const std::string out = sub.output();
  for (int i = 0; i < 20; ++i)
    EXPECT_NE(out.find("m" + std::to_string(i) + "\n"), std::string::npos) << i << ": " << out;
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(trail.connections, (std::vector<std::string>{tcp(a), tcp(b)}));
  EXPECT_TRUE(rec.deleted.empty());
}

}  // namespace
}  // namespace portmqtt::test
