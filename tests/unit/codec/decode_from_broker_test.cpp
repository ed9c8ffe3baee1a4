// The shared table of malformed broker packets (tests/support/broker_malformed_packets.hpp):
// every entry decodes to the error it states, in every version it is listed for. The fault
// suite sends the same bytes to running clients over a socket.
#include "../../support/broker_malformed_packets.hpp"

#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

TEST(DecodeFromBroker, EveryMalformedPacketOfTheSharedTableGivesItsError) {
  const auto& table = portmqtt::test::broker_malformed_packets();
  ASSERT_GE(table.size(), 40U);
  for (const auto& entry : table) {
    for (const bool v5 : {false, true}) {
      if (!portmqtt::test::includes(entry.versions, v5)) continue;
      EXPECT_EQ(decode_error(entry.bytes, v5 ? kV5 : kV311), err(entry.error))
          << entry.name << " (MQTT " << (v5 ? "5" : "3.1.1") << ")";
    }
  }
}

}  // namespace
}  // namespace portmqtt::codec::test
