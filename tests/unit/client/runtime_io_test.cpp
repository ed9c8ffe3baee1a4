// How the runtime moves bytes over the scripted transport: reads of one byte, deliveries cut
// inside a header, writes taken a few bytes at a time, and back-pressure when the send queue
// is full.
#include "runtime_harness.hpp"

namespace portmqtt::test {
namespace {

const std::string kBefore = "before_connect mqtt://broker.test:1883";

TEST_F(RuntimeTest, OneByteReadsAndThreeByteWritesCarryTheExactBytes) {
  script->connection()
      .read_limit(1)
      .write_limit(3)
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .expect(kSubscribe, "SUBSCRIBE")
      .deliver(kSuback)
      .deliver(kIncoming)
      .expect(kPuback7, "PUBACK 7");
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  ASSERT_TRUE(client.subscribe("t", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(script->wait_steps_done(0));
  ASSERT_TRUE(log.wait_lines(4));

  EXPECT_EQ(log.lines(), (std::vector<std::string>{kBefore, "connected", "subscribed id=1 1",
                                                   "message t hello qos=1 id=7"}));
  const ConnectionRecord r = script->record(0);
  EXPECT_EQ(r.written, concat({connect_packet(), kSubscribe, kPuback7}));
  EXPECT_EQ(r.writes, (std::vector<std::size_t>{15, 8, 4}));  // one write per packet here
  EXPECT_EQ(r.parts, (std::vector<std::size_t>{3, 3, 3, 3, 3, 3, 3, 2, 3, 1}));
  const std::size_t delivered = kConnack.size() + kSuback.size() + kIncoming.size();
  EXPECT_EQ(r.reads, std::vector<std::size_t>(delivered, 1));
}

TEST_F(RuntimeTest, DeliveriesCutInsideTheHeaderMakeWholeMessages) {
  const std::string big(200, 'x');
  Bytes first = {0x30, 0xcb, 0x01,  // PUBLISH QoS 0, remaining 203 (two-byte length)
                 0x00, 0x01, 't'};  // topic "t"
  first.insert(first.end(), big.begin(), big.end());
  const Bytes second = {0x30, 0x04,       // PUBLISH QoS 0, remaining 4
                        0x00, 0x01, 't',  // topic "t"
                        'z'};             // payload
  const Bytes both = concat({first, second});
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      // Cut after the type byte, inside the remaining length, inside the payload, and inside
      // the second packet's topic.
      .deliver_split(both, {1, 2, 50, first.size() + 3});
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_lines(4));
  EXPECT_EQ(log.lines(),
            (std::vector<std::string>{kBefore, "connected", "message t " + big + " qos=0 id=0",
                                      "message t z qos=0 id=0"}));
  const ConnectionRecord r = script->record(0);
  // One read per piece: no read crosses a cut, and the receive buffer always has room for
  // the piece (it grows to the 206-byte packet once its header is in).
  EXPECT_EQ(r.reads, (std::vector<std::size_t>{kConnack.size(), 1, 1, 48, 159, 3}));
}

TEST_F(RuntimeTest, AFullSendQueueRefusesEnqueueAndMakesPublishWaitForTheWrite) {
  script->connection()
      .write_limit(8, 50ms)  // a slow link: 8 bytes every 50 ms
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack);
  Config config = base_config();
  config.buffer.send_queue_limit = 16;
  Client client{config};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));

  const std::string payload(40, 'p');
  ASSERT_TRUE(client.publish("t", payload));  // 45 bytes queued: over the limit
  EXPECT_EQ(client.enqueue("t", "q").error(), errc::send_queue_full);  // never waits
  // publish() waits for room: it returns once the 45 bytes are written.
  ASSERT_TRUE(client.publish("t", "q"));
  const ConnectionRecord after_wait = script->record(0);
  ASSERT_GE(after_wait.writes.size(), 2u);  // its own write may have followed already
  EXPECT_EQ(after_wait.writes[1], 45u);

  ASSERT_TRUE(script->wait_packets(0, 3));
  Bytes big_publish = {0x30, 0x2b,        // PUBLISH QoS 0, remaining 43
                       0x00, 0x01, 't'};  // topic "t"
  big_publish.insert(big_publish.end(), payload.begin(), payload.end());
  EXPECT_EQ(script->record(0).packets,
            (std::vector<Bytes>{connect_packet(),
                                big_publish,
                                {0x30, 0x04, 0x00, 0x01, 't', 'q'}}));  // the one that waited
}

}  // namespace
}  // namespace portmqtt::test
