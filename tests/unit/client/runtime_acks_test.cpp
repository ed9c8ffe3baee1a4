// Acknowledgements of our publishes that arrive in one read: Published events in their place
// among the other events, on_published_batch in one call, and every Published event before
// the completion of its message.
#include <condition_variable>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "runtime_harness.hpp"

namespace portmqtt::test {
namespace {

const std::string kBefore = "before_connect mqtt://broker.test:1883";

/// PUBLISH QoS 1 to "t" with a one-byte payload.
Bytes publish_qos1(std::uint8_t packet_id, char payload) {
  return {0x32,
          0x06,  // PUBLISH QoS 1, remaining 6
          0x00,
          0x01,
          't',  // topic "t"
          0x00,
          packet_id,  // packet id
          static_cast<std::uint8_t>(payload)};
}

/// Lines written from the loop thread, read by the test.
class Lines {
 public:
  void add(std::string line) {
    std::lock_guard lock(mutex_);
    lines_.push_back(std::move(line));
    changed_.notify_all();
  }
  bool wait_lines(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return lines_.size() >= count; });
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

TEST_F(RuntimeTest, AcknowledgementsOfOneReadComeInOneBatchBeforeTheirCompletions) {
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .expect(publish_qos1(1, 'a'), "PUBLISH 1")
      .expect(publish_qos1(2, 'b'), "PUBLISH 2")
      .expect(publish_qos1(3, 'c'), "PUBLISH 3")
      .deliver({0x40, 0x02, 0x00, 0x02,    // PUBACK id 2
                0x40, 0x02, 0x00, 0x01,    // PUBACK id 1
                0x40, 0x02, 0x00, 0x03});  // PUBACK id 3, all in one read
  Client client{base_config()};
  EventLog log{client};
  Lines order;
  client.on_published([&](const Published&) { order.add("on_published"); });
  client.on_published_batch([&](std::span<const Published> batch) {
    std::string line = "batch";
    for (const Published& p : batch) {
      line += " " + std::to_string(p.packet_id) + "/" + std::to_string(p.handle);
      EXPECT_EQ(p.qos, QoS::at_least_once);
      EXPECT_EQ(p.reason, ReasonCode::success);
      EXPECT_TRUE(p.properties.empty());
    }
    order.add(line);
  });
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  for (const char* payload : {"a", "b", "c"}) {
    client.publish("t", payload, {.qos = QoS::at_least_once}, Properties{},
                   [&order](std::error_code ec, const PublishResult& r) {
                     order.add("done " + std::to_string(r.packet_id) + "/" +
                               std::to_string(r.handle) + " " + code_of(ec));
                   });
  }
  ASSERT_TRUE(order.wait_lines(4));
  EXPECT_FALSE(client.stop());

  // One call for the read, in the order of the PUBACKs; then each message's completion. Not
  // on_published, nor on_event (the log has no "published" line).
  EXPECT_EQ(order.lines(), (std::vector<std::string>{"batch 2/2 1/1 3/3", "done 2/2 ok",
                                                     "done 1/1 ok", "done 3/3 ok"}));
  EXPECT_EQ(log.lines(), (std::vector<std::string>{kBefore, "connected"}));
}

TEST_F(RuntimeTest, AnEventBetweenAcknowledgementsOfOneReadKeepsItsPlace) {
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .expect(publish_qos1(1, 'a'), "PUBLISH 1")
      .expect(publish_qos1(2, 'b'), "PUBLISH 2")
      .expect({0x82, 0x06,       // SUBSCRIBE, remaining 6
               0x00, 0x03,       // packet id 3
               0x00, 0x01, 's',  // filter "s"
               0x00},            // max QoS 0
              "SUBSCRIBE")
      .deliver({0x40, 0x02, 0x00, 0x01,        // PUBACK id 1
                0x90, 0x03, 0x00, 0x03, 0x00,  // SUBACK id 3: granted QoS 0
                0x40, 0x02, 0x00, 0x02});      // PUBACK id 2, all in one read
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  ASSERT_TRUE(client.publish("t", "a", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(client.publish("t", "b", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(client.subscribe("s", {.qos = QoS::at_most_once}));
  ASSERT_TRUE(log.wait_lines(5));
  EXPECT_FALSE(client.stop());

  EXPECT_EQ(log.lines(),
            (std::vector<std::string>{kBefore, "connected", "published id=1 reason=0",
                                      "subscribed id=3 0", "published id=2 reason=0"}));
}

TEST_F(RuntimeTest, AHandlerThatStopsTheClientEndsTheBatchesOfItsRead) {
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .expect(publish_qos1(1, 'a'), "PUBLISH 1")
      .expect({0x82, 0x06,       // SUBSCRIBE, remaining 6
               0x00, 0x02,       // packet id 2
               0x00, 0x01, 's',  // filter "s"
               0x00},            // max QoS 0
              "SUBSCRIBE")
      .deliver({0x90, 0x03, 0x00, 0x02, 0x00,        // SUBACK id 2: granted QoS 0
                0x40, 0x02, 0x00, 0x01,              // PUBACK id 1
                0x30, 0x04, 0x00, 0x01, 't', 'm'});  // PUBLISH QoS 0 "t": "m"; one read
  Client client{base_config()};
  EventLog log{client};
  Lines order;
  client.on_subscribed([&](const Subscribed&) {
    order.add("subscribed");
    client.stop(discard);  // on the loop thread: nothing after this event is delivered
  });
  client.on_published_batch([&](std::span<const Published>) { order.add("batch"); });
  client.on_message([&](const MessageReceived&) { order.add("message"); });
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  client.publish("t", "a", {.qos = QoS::at_least_once}, Properties{},
                 [&order](std::error_code ec, const PublishResult& r) {
                   order.add("done " + std::to_string(r.packet_id) + " " + code_of(ec));
                 });
  ASSERT_TRUE(client.subscribe("s", {.qos = QoS::at_most_once}));
  ASSERT_TRUE(order.wait_lines(2));

  // The PUBACK was read, so its completion still runs (completions outlive handlers); its
  // Published and the message after it are not delivered.
  EXPECT_EQ(order.lines(), (std::vector<std::string>{"subscribed", "done 1 ok"}));
}

}  // namespace
}  // namespace portmqtt::test
