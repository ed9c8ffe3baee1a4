// Exact payload bytes in both directions for QoS 0/1/2 and MQTT 3.1.1/5.0, and retained
// messages, against mosquitto with mosquitto_sub / mosquitto_pub as the other side.
#include <gtest/gtest.h>

#include <iterator>
#include <tuple>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

// The payload cases by index; names are separate so that naming the 30 tests does not build
// 30 MiB of payloads (slow under ThreadSanitizer).
constexpr const char* kPayloadNames[] = {"empty", "one_byte", "kib", "mib", "binary_nuls"};

std::string payload_bytes(int index) {
  switch (index) {
    case 0:
      return "";
    case 1:
      return "x";
    case 2:
      return patterned(1024);
    case 3:
      return patterned(1024 * 1024);
    default:
      return std::string("\0a\0\xff\0\x80\0", 7);
  }
}

using Param = std::tuple<ProtocolVersion, int, int>;  // version, qos, payload case index

class PayloadTest : public ::testing::TestWithParam<Param> {
 protected:
  ProtocolVersion version() const { return std::get<0>(GetParam()); }
  QoS qos() const { return static_cast<QoS>(std::get<1>(GetParam())); }
  const std::string& payload() const { return bytes; }

  Config config(const std::string& id) {
    Config c;
    c.broker.uri = broker.uri();
    c.credentials.client_id = id;
    c.session.protocol_version = version();
    return c;
  }

  std::string bytes = payload_bytes(std::get<2>(GetParam()));
  Mosquitto broker;
};

TEST_P(PayloadTest, PublishedBytesArriveExactly) {
  MosquittoSub sub{
      broker, {.topic = "out/t", .qos = 2, .count = 1, .v5 = version() == ProtocolVersion::v5}};
  ASSERT_TRUE(sub.wait_subscribed());
  Client client{config("pay-out")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  auto id = client.publish("out/t", payload(), {.qos = qos()});
  ASSERT_TRUE(id.has_value()) << id.error().message();
  EXPECT_EQ(id->handle == 0, qos() == QoS::at_most_once);
  ASSERT_EQ(sub.wait(20s), 0);
  EXPECT_EQ(sub.output(), payload());
  if (qos() != QoS::at_most_once) {
    ASSERT_TRUE(rec.wait([&] { return !rec.published.empty(); }));
    EXPECT_EQ(rec.published[0], id->handle);
  }
}

TEST_P(PayloadTest, ReceivedBytesArriveExactly) {
  Client client{config("pay-in")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe("in/t", {.qos = QoS::exactly_once}).has_value());
  ASSERT_TRUE(rec.wait([&] { return !rec.subacks.empty(); }));
  EXPECT_EQ(rec.subacks[0], std::vector<ReasonCode>{ReasonCode::granted_qos_2});
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "in/t",
                                       .payload = payload(),
                                       .qos = std::get<1>(GetParam()),
                                       .v5 = version() == ProtocolVersion::v5}),
            0);
  ASSERT_TRUE(rec.wait_messages(1, 20s));
  std::lock_guard lock(rec.mutex);
  ASSERT_EQ(rec.messages.size(), 1u);
  const ReceivedMessage& m = rec.messages[0];
  EXPECT_EQ(m.topic, "in/t");
  EXPECT_EQ(m.payload, payload());
  EXPECT_EQ(m.total_size, payload().size());
  EXPECT_EQ(m.qos, qos());
  EXPECT_FALSE(m.retain);
  EXPECT_EQ(m.packet_id == 0, qos() == QoS::at_most_once);
}

INSTANTIATE_TEST_SUITE_P(
    All, PayloadTest,
    ::testing::Combine(::testing::Values(ProtocolVersion::v3_1_1, ProtocolVersion::v5),
                       ::testing::Values(0, 1, 2),
                       ::testing::Range(0, static_cast<int>(std::size(kPayloadNames)))),
    [](const ::testing::TestParamInfo<Param>& param_info) {
      return std::string(std::get<0>(param_info.param) == ProtocolVersion::v5 ? "v5" : "v311") +
             "_qos" + std::to_string(std::get<1>(param_info.param)) + "_" +
             kPayloadNames[std::get<2>(param_info.param)];
    });

class RetainTest : public ::testing::TestWithParam<ProtocolVersion> {
 protected:
  Mosquitto broker;
};

TEST_P(RetainTest, RetainedMessageIsSetAndCleared) {
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = "retainer";
  c.session.protocol_version = GetParam();
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.publish("r/t", "kept", {.qos = QoS::at_least_once, .retain = true}));
  ASSERT_TRUE(rec.wait([&] { return !rec.published.empty(); }));

  MosquittoSub late{broker, {.topic = "r/t", .count = 1, .timeout_s = 5, .retained_only = true}};
  ASSERT_EQ(late.wait(10s), 0);
  EXPECT_EQ(late.output(), "kept");

  // An empty retained message clears it: a new subscriber then gets nothing (-W expires).
  ASSERT_TRUE(client.publish("r/t", "", {.qos = QoS::at_least_once, .retain = true}));
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() >= 2; }));
  MosquittoSub after{broker, {.topic = "r/t", .count = 1, .timeout_s = 1, .retained_only = true}};
  EXPECT_NE(after.wait(10s), 0);  // timed out: nothing retained
  EXPECT_EQ(after.output(), "");

  // Our own subscription sees the retained flag.
  ASSERT_TRUE(client.publish("r/u", "flag", {.qos = QoS::at_least_once, .retain = true}));
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() >= 3; }));
  ASSERT_TRUE(client.subscribe("r/u", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait_messages(1));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.messages[0].payload, "flag");
  EXPECT_TRUE(rec.messages[0].retain);
}

INSTANTIATE_TEST_SUITE_P(Versions, RetainTest,
                         ::testing::Values(ProtocolVersion::v3_1_1, ProtocolVersion::v5),
                         [](const auto& param_info) {
                           return param_info.param == ProtocolVersion::v5 ? "v5" : "v311";
                         });

}  // namespace
}  // namespace portmqtt::test
