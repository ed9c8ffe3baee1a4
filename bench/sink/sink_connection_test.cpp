// The sink's protocol handling, fed hand-written bytes; no sockets.
#include "sink_connection.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace portmqtt::bench {
namespace {

using Bytes = std::vector<std::uint8_t>;

// CONNECT, MQTT 3.1.1, clean session, keep alive 60, client id "c".
const Bytes kConnect311 = {0x10, 13,                        // CONNECT, remaining length
                           0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
                           0x04,                            // level 4 = 3.1.1
                           0x02,                            // flags: clean session
                           0x00, 0x3C,                      // keep alive 60
                           0x00, 0x01, 'c'};                // client id

// CONNECT, MQTT 5, clean start, Receive Maximum 2, client id "c".
const Bytes kConnect5RecvMax2 = {0x10, 17,                         // CONNECT, remaining length
                                 0x00, 0x04, 'M',  'Q', 'T', 'T',  // protocol name
                                 0x05,                             // level 5
                                 0x02,                             // flags: clean start
                                 0x00, 0x3C,                       // keep alive 60
                                 0x03,                             // property length
                                 0x21, 0x00, 0x02,                 // Receive Maximum = 2
                                 0x00, 0x01, 'c'};                 // client id

class SinkConnectionTest : public ::testing::Test {
 protected:
  // Feeds `bytes` as one read and returns whether the connection stays open.
  bool feed(const Bytes& bytes) {
    Bytes buffer(kMaxCarry + bytes.size());
    const std::size_t carried = connection_.carry_size();
    std::copy(bytes.begin(), bytes.end(), buffer.begin() + static_cast<std::ptrdiff_t>(carried));
    connection_.restore_carry(buffer.data());
    return connection_.consume(buffer.data(), carried + bytes.size());
  }
  // Takes everything the connection wants to write.
  Bytes take_output() {
    Bytes out(connection_.output(), connection_.output() + connection_.output_size());
    connection_.consumed_output(out.size());
    return out;
  }

  FloodConfig flood_;
  SinkStats stats_;
  SinkConnection connection_{flood_, stats_};
};

TEST_F(SinkConnectionTest, Connect311GetsFourByteConnack) {
  ASSERT_TRUE(feed(kConnect311));
  EXPECT_EQ(take_output(), (Bytes{0x20, 0x02, 0x00, 0x00}));  // CONNACK, no session, accepted
}

TEST_F(SinkConnectionTest, Connect5GetsConnackWithoutProperties) {
  ASSERT_TRUE(feed(kConnect5RecvMax2));
  // CONNACK, length 3, session present 0, Success, property length 0.
  EXPECT_EQ(take_output(), (Bytes{0x20, 0x03, 0x00, 0x00, 0x00}));
}

TEST_F(SinkConnectionTest, PublishQos1IsCountedAndAcknowledged) {
  ASSERT_TRUE(feed(kConnect311));
  take_output();
  ASSERT_TRUE(feed({0x32, 7,                                  // PUBLISH QoS 1, remaining length
                    0x00, 0x01, 't',                          // topic "t"
                    0x12, 0x34,                               // packet id 0x1234
                    'h', 'i'}));                              // payload
  EXPECT_EQ(take_output(), (Bytes{0x40, 0x02, 0x12, 0x34}));  // PUBACK 0x1234
  EXPECT_EQ(stats_.publishes_in, 1u);
  EXPECT_EQ(stats_.payload_bytes_in, 2u);
}

TEST_F(SinkConnectionTest, PublishV5PropertiesAreNotCountedAsPayload) {
  ASSERT_TRUE(feed(kConnect5RecvMax2));
  take_output();
  ASSERT_TRUE(feed({0x32, 10,          // PUBLISH QoS 1, remaining length
                    0x00, 0x01, 't',   // topic "t"
                    0x00, 0x05,        // packet id 5
                    0x02, 0x01, 0x01,  // properties: Payload Format Indicator = 1
                    'h', 'i'}));       // payload
  EXPECT_EQ(take_output(), (Bytes{0x40, 0x02, 0x00, 0x05}));  // PUBACK 5
  EXPECT_EQ(stats_.payload_bytes_in, 2u);
}

TEST_F(SinkConnectionTest, ConnectWithReceiveMaximumZeroCloses) {
  EXPECT_FALSE(feed({0x10, 17, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, 0x03, 0x21,
                     0x00, 0x00,  // Receive Maximum = 0: a protocol error
                     0x00, 0x01, 'c'}));
}

TEST_F(SinkConnectionTest, UnknownProtocolNameCloses) {
  EXPECT_FALSE(
      feed({0x10, 13, 0x00, 0x04, 'M', 'Q', 'T', 'X', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x01, 'c'}));
}

TEST_F(SinkConnectionTest, Qos2ExchangeIsAnswered) {
  ASSERT_TRUE(feed(kConnect311));
  take_output();
  ASSERT_TRUE(feed({0x34, 5, 0x00, 0x01, 't', 0x00, 0x07}));  // PUBLISH QoS 2, id 7, no payload
  ASSERT_TRUE(feed({0x62, 0x02, 0x00, 0x07}));                // PUBREL id 7
  EXPECT_EQ(take_output(), (Bytes{0x50, 0x02, 0x00, 0x07,     // PUBREC 7
                                  0x70, 0x02, 0x00, 0x07}));  // PUBCOMP 7
}

TEST_F(SinkConnectionTest, AcksOfOneReadAreCoalesced) {
  ASSERT_TRUE(feed(kConnect311));
  take_output();
  ASSERT_TRUE(feed({0x32, 5, 0x00, 0x01, 't', 0x00, 0x01,  // PUBLISH QoS 1 id 1
                    0x32, 5, 0x00, 0x01, 't', 0x00, 0x02,  // PUBLISH QoS 1 id 2
                    0xC0, 0x00}));                         // PINGREQ
  EXPECT_EQ(take_output(), (Bytes{0x40, 0x02, 0x00, 0x01,  // PUBACK 1
                                  0x40, 0x02, 0x00, 0x02,  // PUBACK 2
                                  0xD0, 0x00}));           // PINGRESP
}

TEST_F(SinkConnectionTest, PacketSplitAcrossReadsIsCarried) {
  ASSERT_TRUE(feed(kConnect311));
  take_output();
  ASSERT_TRUE(feed({0x32, 7, 0x00}));  // PUBLISH QoS 1: header and half the topic length
  EXPECT_EQ(connection_.output_size(), 0u);
  ASSERT_TRUE(feed({0x01, 't', 0x00, 0x09, 'h', 'i'}));  // rest: topic "t", id 9, payload
  EXPECT_EQ(take_output(), (Bytes{0x40, 0x02, 0x00, 0x09}));
  EXPECT_EQ(stats_.publishes_in, 1u);
}

TEST_F(SinkConnectionTest, PayloadIsSkippedAcrossReads) {
  ASSERT_TRUE(feed(kConnect311));
  take_output();
  // PUBLISH QoS 0, remaining length 3 + 200 = 203 (0xCB 0x01), topic "t", payload in pieces.
  Bytes first = {0x30, 0xCB, 0x01, 0x00, 0x01, 't'};
  first.insert(first.end(), 50, 'x');
  ASSERT_TRUE(feed(first));
  EXPECT_EQ(stats_.publishes_in, 1u);
  ASSERT_TRUE(feed(Bytes(150, 'x')));  // the rest of the payload, then nothing
  ASSERT_TRUE(feed({0xC0, 0x00}));     // PINGREQ parsed right after the payload
  EXPECT_EQ(take_output(), (Bytes{0xD0, 0x00}));
  EXPECT_EQ(stats_.payload_bytes_in, 200u);
}

TEST_F(SinkConnectionTest, SubscribeV5GrantsRequestedQos) {
  ASSERT_TRUE(feed(kConnect5RecvMax2));
  take_output();
  ASSERT_TRUE(feed({0x82, 11,                  // SUBSCRIBE, remaining length
                    0x00, 0x05,                // packet id 5
                    0x00,                      // no properties
                    0x00, 0x01, 'a', 0x01,     // "a" QoS 1
                    0x00, 0x01, 'b', 0x02}));  // "b" QoS 2
  // SUBACK, length 5, id 5, no properties, granted 1 and 2.
  EXPECT_EQ(take_output(), (Bytes{0x90, 0x05, 0x00, 0x05, 0x00, 0x01, 0x02}));
}

TEST_F(SinkConnectionTest, DisconnectClosesWithoutError) {
  ASSERT_TRUE(feed(kConnect311));
  EXPECT_FALSE(feed({0xE0, 0x00}));
  EXPECT_EQ(stats_.malformed, 0u);
}

TEST_F(SinkConnectionTest, PublishBeforeConnectCloses) {
  EXPECT_FALSE(feed({0x30, 3, 0x00, 0x01, 't'}));
  EXPECT_EQ(stats_.malformed, 1u);
}

TEST_F(SinkConnectionTest, FiveByteRemainingLengthCloses) {
  ASSERT_TRUE(feed(kConnect311));
  EXPECT_FALSE(feed({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
  EXPECT_EQ(stats_.malformed, 1u);
}

TEST_F(SinkConnectionTest, PublishQos3Closes) {
  ASSERT_TRUE(feed(kConnect311));
  EXPECT_FALSE(feed({0x36, 5, 0x00, 0x01, 't', 0x00, 0x01}));
}

TEST_F(SinkConnectionTest, TopicLongerThanPacketCloses) {
  ASSERT_TRUE(feed(kConnect311));
  EXPECT_FALSE(feed({0x30, 3, 0x00, 0x09, 't'}));  // topic length 9 in a 3-byte packet
}

TEST_F(SinkConnectionTest, SubscribeWithWrongFlagsCloses) {
  ASSERT_TRUE(feed(kConnect311));
  EXPECT_FALSE(feed({0x80, 6, 0x00, 0x01, 0x00, 0x01, 'a', 0x00}));  // flags must be 0b0010
}

class SinkFloodTest : public SinkConnectionTest {
 protected:
  SinkFloodTest() {
    flood_.qos = 1;
    flood_.count = 3;
    flood_.payload = 1;
    flood_.topic = "f";
  }
};

TEST_F(SinkFloodTest, FloodHonoursReceiveMaximum) {
  ASSERT_TRUE(feed(kConnect5RecvMax2));
  ASSERT_TRUE(feed({0x82, 7, 0x00, 0x01, 0x00, 0x00, 0x01, 'f', 0x01}));  // SUBSCRIBE "f" QoS 1
  take_output();                                                          // CONNACK, SUBACK
  connection_.fill_flood(1 << 20);
  // Two PUBLISH (Receive Maximum 2): QoS 1, length 7, topic "f", id, no properties, 'x'.
  EXPECT_EQ(take_output(), (Bytes{0x32, 7, 0x00, 0x01, 'f', 0x00, 0x01, 0x00, 'x', 0x32, 7, 0x00,
                                  0x01, 'f', 0x00, 0x02, 0x00, 'x'}));
  EXPECT_FALSE(connection_.flood_can_send());
  ASSERT_TRUE(feed({0x40, 0x02, 0x00, 0x01}));  // PUBACK 1 frees one slot
  connection_.fill_flood(1 << 20);
  EXPECT_EQ(take_output(), (Bytes{0x32, 7, 0x00, 0x01, 'f', 0x00, 0x03, 0x00, 'x'}));
  EXPECT_FALSE(connection_.flood_can_send());  // all three sent
  EXPECT_EQ(stats_.flood_out, 3u);
}

TEST_F(SinkFloodTest, UnknownPubackCloses) {
  ASSERT_TRUE(feed(kConnect5RecvMax2));
  ASSERT_TRUE(feed({0x82, 7, 0x00, 0x01, 0x00, 0x00, 0x01, 'f', 0x01}));
  EXPECT_FALSE(feed({0x40, 0x02, 0x00, 0x09}));  // nothing with id 9 was sent
}

}  // namespace
}  // namespace portmqtt::bench
