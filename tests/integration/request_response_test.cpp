// Client::request() (MQTT 5 request/response): against mosquitto with an independent responder
// (paho-mqtt, MQTT 5, echoing to the Response Topic with the Correlation Data), a timeout,
// 100 requests in flight, MQTT 3.1.1 refused, an unmatched message on the response topic; and
// a scripted broker that returns Response Information (mosquitto never does).
#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"
#include "scripted_broker.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

// Answers every request on rr/service with "re:<payload>" and a user property, to the
// request's Response Topic with its Correlation Data; prints "ready" once subscribed.
constexpr const char* kResponder = R"py(
import sys
import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes

def on_connect(client, userdata, flags, rc, properties=None):
    client.subscribe("rr/service", qos=1)

def on_subscribe(client, userdata, mid, granted, properties=None):
    print("ready", flush=True)

def on_message(client, userdata, msg):
    props = Properties(PacketTypes.PUBLISH)
    props.CorrelationData = msg.properties.CorrelationData
    props.UserProperty = [("responder", "paho")]
    client.publish(msg.properties.ResponseTopic, b"re:" + msg.payload, qos=1, properties=props)

client = mqtt.Client(client_id="rr-responder", protocol=mqtt.MQTTv5)
client.on_connect = on_connect
client.on_subscribe = on_subscribe
client.on_message = on_message
client.connect("127.0.0.1", int(sys.argv[1]))
client.loop_forever()
)py";

class Responder {
 public:
  explicit Responder(const Mosquitto& broker) {
    write_file(dir_.path() / "responder.py", kResponder);
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/python3", (dir_.path() / "responder.py").string(),
                                 std::to_string(broker.port())},
        dir_.path() / "out", dir_.path() / "err");
  }
  bool wait_ready() {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (read_file(dir_.path() / "out").find("ready") != std::string::npos) return true;
      std::this_thread::sleep_for(20ms);
    }
    std::cerr << read_file(dir_.path() / "err");
    return false;
  }

 private:
  TempDir dir_;
  std::unique_ptr<Process> process_;
};

Config config_for(const std::string& uri, const std::string& id,
                  ProtocolVersion version = ProtocolVersion::v5) {
  Config c;
  c.broker.uri = uri;
  c.credentials.client_id = id;
  c.session.protocol_version = version;
  c.network.reconnect.interval = 200ms;
  return c;
}

TEST(RequestResponse, AnIndependentResponderAnswersOnTheResponseTopic) {
  Mosquitto broker;
  Responder responder{broker};
  ASSERT_TRUE(responder.wait_ready());
  Client client{config_for(broker.uri(), "rr-client")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());

  Properties props;
  props.add_user_property("asker", "portmqtt");
  Message first =
      client.request("rr/service", "ping", 10s, {.qos = QoS::at_least_once}, props, use_future)
          .get();
  EXPECT_EQ(first.payload, "re:ping");
  EXPECT_EQ(first.topic.rfind("portmqtt/rr/rr-client/", 0), 0u) << first.topic;
  EXPECT_EQ(first.qos, QoS::at_least_once);
  const auto users = first.properties.user_properties();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].first, "responder");
  EXPECT_EQ(first.properties.text(PropertyId::correlation_data)->size(), 16u);

  Message second = client.request("rr/service", "again", 10s, use_future).get();
  EXPECT_EQ(second.payload, "re:again");
  EXPECT_EQ(second.topic, first.topic);
  // One subscription serves every request; responses never reach on_message.
  EXPECT_EQ(broker.count_in_log("Received SUBSCRIBE from rr-client"), 1u);
  std::lock_guard lock(rec.mutex);
  EXPECT_TRUE(rec.messages.empty());
}

TEST(RequestResponse, TheResponseSubscriptionIsMadeAgainWhenTheBrokerLostTheSession) {
  Mosquitto broker;
  Responder responder{broker};
  ASSERT_TRUE(responder.wait_ready());
  Config c = config_for(broker.uri(), "rr-lost");
  c.session.resubscribe_on_session_lost = false;  // the response subscription is not in it
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_EQ(client.request("rr/service", "before", 10s, use_future).get().payload, "re:before");

  broker.stop(SIGTERM);  // no persistence: every session and subscription is gone
  broker.start();
  ASSERT_TRUE(rec.wait_connected(2));
  ASSERT_TRUE(broker.wait_for_log("Received SUBSCRIBE from rr-lost", 10s, 2));
  ASSERT_TRUE(broker.wait_for_log("Sending SUBACK to rr-responder", 20s, 2));  // paho is back
  EXPECT_EQ(client.request("rr/service", "after", 10s, use_future).get().payload, "re:after");
}

TEST(RequestResponse, NoAnswerEndsWithTimedOut) {
  Mosquitto broker;
  Client client{config_for(broker.uri(), "rr-timeout")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  const auto start = std::chrono::steady_clock::now();
  auto future = client.request("rr/nobody", "hello?", 300ms, use_future);
  try {
    future.get();
    ADD_FAILURE() << "a request nobody answers completed";
  } catch (const BasicDeliveryError<Message>& e) {
    EXPECT_EQ(e.code(), delivery_errc::timed_out);
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

TEST(RequestResponse, AHundredRequestsInFlightEachGetTheirOwnResponse) {
  Mosquitto broker;
  Responder responder{broker};
  ASSERT_TRUE(responder.wait_ready());
  Client client{config_for(broker.uri(), "rr-many")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());

  std::map<int, std::string> answers;  // guarded by rec.mutex
  int failures = 0;
  for (int i = 0; i < 100; ++i) {
    client.request("rr/service", std::to_string(i), 20s, [&, i](std::error_code ec, Message m) {
      rec.record([&] {
        if (ec) ++failures;
        answers[i] = m.payload;
      });
    });
  }
  ASSERT_TRUE(rec.wait([&] { return answers.size() == 100; }, 30s));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(failures, 0);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(answers[i], "re:" + std::to_string(i));
}

TEST(RequestResponse, Mqtt311CannotRequest) {
  Mosquitto broker;
  Client client{config_for(broker.uri(), "rr-311", ProtocolVersion::v3_1_1)};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  std::error_code error;
  client.request("rr/service", "x", 1s, [&](std::error_code ec, Message) { error = ec; });
  EXPECT_EQ(error, errc::not_supported_by_version);  // at once, inside the call
}

TEST(RequestResponse, NotConnectedAndCallerPropertiesAreRefusedAtOnce) {
  Client idle{config_for("mqtt://127.0.0.1:1", "rr-idle")};
  std::error_code error;
  idle.request("rr/service", "x", 1s, [&](std::error_code ec, Message) { error = ec; });
  EXPECT_EQ(error, errc::not_started);

  Mosquitto broker;
  Client client{config_for(broker.uri(), "rr-props")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  Properties props;
  props.add(PropertyId::response_topic, "mine");
  client.request("rr/service", "x", 1s, {}, props,
                 [&](std::error_code ec, Message) { error = ec; });
  EXPECT_EQ(error, errc::invalid_argument);
}

TEST(RequestResponse, AMessageOnTheResponseTopicThatMatchesNoRequestGoesToOnMessage) {
  Mosquitto broker;
  Responder responder{broker};
  ASSERT_TRUE(responder.wait_ready());
  Client client{config_for(broker.uri(), "rr-stray")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  const Message response = client.request("rr/service", "1", 10s, use_future).get();
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = response.topic, .payload = "stray", .v5 = true}),
            0);
  ASSERT_TRUE(rec.wait_messages(1));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.messages[0].payload, "stray");
}

// --- Response Information from the broker (scripted: mosquitto never returns it) ------------

std::uint32_t varint(const Bytes& p, std::size_t& at) {
  std::uint32_t value = 0;
  for (int shift = 0; at < p.size(); shift += 7) {
    const std::uint8_t b = p[at++];
    value |= static_cast<std::uint32_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) break;
  }
  return value;
}

std::string string_at(const Bytes& p, std::size_t& at) {
  const std::size_t n = (std::size_t{p[at]} << 8) | p[at + 1];
  std::string s(p.begin() + static_cast<std::ptrdiff_t>(at + 2),
                p.begin() + static_cast<std::ptrdiff_t>(at + 2 + n));
  at += 2 + n;
  return s;
}

Bytes append(Bytes head, const std::string& s) {
  head.push_back(static_cast<std::uint8_t>(s.size() >> 8));
  head.push_back(static_cast<std::uint8_t>(s.size() & 0xFF));
  head.insert(head.end(), s.begin(), s.end());
  return head;
}

TEST(RequestResponse, ResponseInformationFromTheBrokerNamesTheResponseTopic) {
  struct Seen {
    bool asked_for_information = false;
    std::string filter;
    std::string response_topic;
  };
  auto seen = std::make_shared<Seen>();
  auto broker = std::make_unique<ScriptedBroker>([seen](ScriptedPeer& peer) {
    auto connect = peer.read_packet();
    if (!connect) return;
    // CONNECT property Request Response Information (0x19) = 1 (§3.1.2.11.6).
    const Bytes wanted{0x19, 0x01};
    seen->asked_for_information = std::search(connect->begin(), connect->end(), wanted.begin(),
                                              wanted.end()) != connect->end();
    // CONNACK: no session, success, Response Information (0x1A) "resp/c1" (§3.2.2.3.15).
    peer.write({0x20, 0x0D, 0x00, 0x00, 0x0A, 0x1A, 0x00, 0x07, 'r', 'e', 's', 'p', '/', 'c', '1'});
    auto subscribe = peer.read_packet();
    if (!subscribe || (*subscribe)[0] != 0x82) return;
    std::size_t at = 1;
    varint(*subscribe, at);
    const std::uint8_t id_hi = (*subscribe)[at], id_lo = (*subscribe)[at + 1];
    at += 2;
    at += varint(*subscribe, at);  // SUBSCRIBE properties
    seen->filter = string_at(*subscribe, at);
    peer.write({0x90, 0x04, id_hi, id_lo, 0x00, 0x01});  // SUBACK: granted QoS 1
    auto request = peer.read_packet();
    if (!request || ((*request)[0] & 0xF0) != 0x30) return;
    at = 1;
    varint(*request, at);
    string_at(*request, at);                            // topic
    if (((*request)[0] & 0x06) != 0) at += 2;           // packet id (QoS > 0)
    const std::size_t end = varint(*request, at) + at;  // properties
    std::string correlation;
    while (at < end) {
      const std::uint8_t property = (*request)[at++];
      if (property == 0x08)
        seen->response_topic = string_at(*request, at);
      else if (property == 0x09)
        correlation = string_at(*request, at);
      else
        return;  // the request carries nothing else
    }
    // PUBLISH QoS 0 to the Response Topic: properties = Correlation Data; payload "pong".
    Bytes props = append({0x09}, correlation);
    Bytes body = append({}, seen->response_topic);
    body.push_back(static_cast<std::uint8_t>(props.size()));
    body.insert(body.end(), props.begin(), props.end());
    for (char c : std::string{"pong"})
      body.push_back(static_cast<std::uint8_t>(c));
    Bytes publish{0x30, static_cast<std::uint8_t>(body.size())};
    publish.insert(publish.end(), body.begin(), body.end());
    peer.write(publish);
    (void)peer.closed_within(10s);
  });
  Client client{config_for(broker->uri(), "c1")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  auto future = client.request("svc", "ping", 10s, use_future);
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  const Message response = future.get();
  client.stop();
  broker.reset();  // joins the script's thread: what it saw is ours to read
  EXPECT_EQ(response.payload, "pong");
  EXPECT_TRUE(seen->asked_for_information);
  EXPECT_EQ(seen->filter.rfind("resp/c1/", 0), 0u) << seen->filter;
  EXPECT_EQ(seen->response_topic, seen->filter);
  EXPECT_EQ(response.topic, seen->filter);
}

}  // namespace
}  // namespace portmqtt::test
