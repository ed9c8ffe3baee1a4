// ws:// and wss:// through the ESP-MQTT C API against the aedes WebSocket broker
// (tests/ws_server): round trips at every QoS with an independent paho peer, the WebSocket
// path as ESP-MQTT chooses it, certificate verification over wss, and refused upgrades.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "esp_tls_errors.h"
#include "esp_tls_support.hpp"
#include "process.hpp"
#include "ws_broker.hpp"

namespace portmqtt::esp_test {
namespace {

using test::read_file;
using test::WsBroker;
using test::WsBrokerOptions;

// A paho subscriber over WebSocket: prints "subscribed" after SUBACK, then each payload on a
// line, and exits after COUNT messages.
constexpr const char* kWsPeer = R"py(
import ssl, sys, threading
import paho.mqtt.client as mqtt
port, topic, count, ca = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
done = threading.Event()
received = []
def on_connect(c, u, f, rc):
    c.subscribe(topic, 2)
def on_subscribe(c, u, mid, granted):
    print("subscribed", flush=True)
def on_message(c, u, m):
    received.append(m.payload.decode())
    print(m.payload.decode(), flush=True)
    if len(received) == count:
        done.set()
client = mqtt.Client(client_id="ws-peer", transport="websockets")
client.ws_set_options(path="/")
if ca != "-":
    client.tls_set(ca_certs=ca)
client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
client.connect("localhost", port)
client.loop_start()
sys.exit(0 if done.wait(20) else 1)
)py";

class WsPeer {
 public:
  WsPeer(const WsBroker& broker, const std::string& topic, int count, const std::string& ca)
      : out_(dir_.path() / "out") {
    test::write_file(dir_.path() / "peer.py", kWsPeer);
    process_ = std::make_unique<test::Process>(
        std::vector<std::string>{"/usr/bin/python3", (dir_.path() / "peer.py").string(),
                                 std::to_string(broker.port()), topic, std::to_string(count),
                                 ca.empty() ? "-" : ca},
        out_, dir_.path() / "err");
  }
  // The peer has no event to wait on but its output: poll it, bounded.
  bool wait_subscribed() {
    for (int i = 0; i < 200; ++i) {
      if (read_file(out_).find("subscribed") != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  std::optional<int> wait() { return process_->wait(std::chrono::seconds(20)); }
  std::string output() const { return read_file(out_); }
  std::string errors() const { return read_file(dir_.path() / "err"); }

 private:
  test::TempDir dir_;
  std::filesystem::path out_;
  std::unique_ptr<test::Process> process_;
};

void expect_round_trip_seen_by_peer(const WsBroker& broker, OwnedConfig& c,
                                    const std::string& topic, const std::string& ca) {
  WsPeer peer{broker, topic, 3, ca};
  ASSERT_TRUE(peer.wait_subscribed()) << peer.errors();
  StartedClient client{c.config};
  expect_round_trip(client, topic);
  ASSERT_EQ(peer.wait(), 0) << peer.output() << peer.errors();
  for (const char* payload : {"qos0\n", "qos1\n", "qos2\n"})
    EXPECT_NE(peer.output().find(payload), std::string::npos) << peer.output();
}

TEST(EspWsTest, WebSocketRoundTripAtEveryQos) {
  WsBroker broker;
  OwnedConfig c{broker.uri(), "ew-rt"};
  expect_round_trip_seen_by_peer(broker, c, "esp/ws/rt", "");
}

TEST(EspWsTest, SecureWebSocketRoundTripAtEveryQos) {
  WsBroker broker{{.secure = true}};
  OwnedConfig c{broker.uri(), "ew-wss"};
  c.trust_pem(files().ca_cert);
  expect_round_trip_seen_by_peer(broker, c, "esp/ws/wss", files().ca_cert.string());
}

TEST(EspWsTest, PathOfTheUriIsTheRequestTarget) {
  WsBroker broker;
  OwnedConfig c{"ws://localhost:" + std::to_string(broker.port()) + "/mqtt?token=1", "ew-path"};
  StartedClient client{c.config};
  ASSERT_TRUE(client.recorder && client.recorder->wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_NE(broker.output().find("upgrade /mqtt?token=1 protocol=mqtt"), std::string::npos)
      << broker.output();
}

TEST(EspWsTest, AddressPathAppliesWhenTheUriHasNone) {
  WsBroker broker;
  OwnedConfig c{"ws://localhost:" + std::to_string(broker.port()), "ew-addr-path"};
  c.config.broker.address.path = "/custom";
  StartedClient client{c.config};
  ASSERT_TRUE(client.recorder && client.recorder->wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_NE(broker.output().find("upgrade /custom protocol=mqtt"), std::string::npos)
      << broker.output();
}

TEST(EspWsTest, HostnameAndTransportWithoutPathUseSlash) {
  WsBroker broker;
  esp_mqtt_client_config_t c{};
  c.broker.address.hostname = "localhost";
  c.broker.address.transport = MQTT_TRANSPORT_OVER_WS;
  c.broker.address.port = broker.port();
  c.credentials.client_id = "ew-slash";
  c.network.reconnect_timeout_ms = 200;
  StartedClient client{c};
  ASSERT_TRUE(client.recorder && client.recorder->wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_NE(broker.output().find("upgrade / protocol=mqtt"), std::string::npos) << broker.output();
}

TEST(EspWsTest, SecureWebSocketVerifiesTheCertificate) {
  WsBroker broker{{.secure = true}};
  OwnedConfig c{broker.uri(), "ew-wss-ca"};
  c.trust_pem(files().other_ca_cert);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
  EXPECT_NE(error->error.esp_tls_cert_verify_flags, 0);
}

void expect_upgrade_refused(WsBrokerOptions options) {
  WsBroker broker{options};
  OwnedConfig c{broker.uri(), "ew-refused"};
  if (options.secure) c.trust_pem(files().ca_cert);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  // ESP-IDF's WebSocket transport records no ESP-TLS code for a refused upgrade.
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_OK);
  EXPECT_EQ(error->error.esp_tls_cert_verify_flags, 0);
}

TEST(EspWsTest, UpgradeRefusedWith404IsAnError) {
  expect_upgrade_refused({.behaviour = test::WsBehaviour::refuse_404});
}

TEST(EspWsTest, UpgradeWithoutTheMqttSubprotocolIsAnError) {
  expect_upgrade_refused({.behaviour = test::WsBehaviour::no_subprotocol});
}

TEST(EspWsTest, SecureUpgradeRefusedIsAnError) {
  expect_upgrade_refused({.behaviour = test::WsBehaviour::refuse_404, .secure = true});
}

}  // namespace
}  // namespace portmqtt::esp_test
