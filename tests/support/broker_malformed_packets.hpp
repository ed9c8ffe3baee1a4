// Malformed packets a broker could send a client, each with the codec error it must give. One
// table for two uses: the decoder's unit test (tests/unit/codec/decode_from_broker_test.cpp)
// checks that every entry decodes to its error, and the hostile-broker fault test
// (tests/fault/hostile_broker.cpp) sends every entry over a real socket to running clients.
// The bytes are those of the decoder's golden-byte tests, restricted to packets that travel
// from a broker to a client (CONNACK, PUBLISH, the acks, SUBACK, UNSUBACK, PINGRESP,
// DISCONNECT, AUTH) and to the versions they are wrong in.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "codec/errc.hpp"

namespace portmqtt::test {

/// Which protocol versions a malformed packet is checked with.
enum class Versions : std::uint8_t { v3 = 1, v5 = 2, all = 3 };

inline bool includes(Versions set, bool v5) {
  return (static_cast<std::uint8_t>(set) & (v5 ? 2 : 1)) != 0;
}

struct MalformedPacket {
  std::string_view name;  ///< what is wrong, in words
  Versions versions;
  /// True for a CONNACK: sent in place of the CONNACK, not after it.
  bool replaces_connack;
  std::vector<std::uint8_t> bytes;
  codec::errc error;  ///< what decode() reports for `bytes`
};

// clang-format off
inline const std::vector<MalformedPacket>& broker_malformed_packets() {
  using codec::errc;
  static const std::vector<MalformedPacket> table = {
    // --- CONNACK ------------------------------------------------------------------------
    {"CONNACK return code 6 (does not exist)", Versions::v3, true,
     {0x20, 0x02, 0x00, 0x06}, errc::invalid_reason_code},
    {"CONNACK reserved acknowledge flag bit 1", Versions::v3, true,
     {0x20, 0x02, 0x02, 0x00}, errc::invalid_connack_flags},
    {"CONNACK reserved acknowledge flag bit 7", Versions::v5, true,
     {0x20, 0x03, 0x80, 0x00, 0x00}, errc::invalid_connack_flags},
    {"CONNACK with a property length before MQTT 5", Versions::v3, true,
     {0x20, 0x03, 0x00, 0x00, 0x00}, errc::trailing_bytes},
    {"CONNACK reason 0x8E (DISCONNECT only)", Versions::v5, true,
     {0x20, 0x03, 0x00, 0x8E, 0x00}, errc::invalid_reason_code},
    {"CONNACK without its property length", Versions::v5, true,
     {0x20, 0x02, 0x00, 0x00}, errc::truncated},
    {"CONNACK with a Topic Alias property", Versions::v5, true,
     {0x20, 0x06, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01}, errc::property_not_allowed},
    // --- framing ------------------------------------------------------------------------
    {"remaining length in five bytes", Versions::all, false,
     {0x30, 0x80, 0x80, 0x80, 0x80, 0x01}, errc::malformed_remaining_length},
    {"PINGRESP with a non-minimal remaining length", Versions::all, false,
     {0xD0, 0x80, 0x00}, errc::malformed_remaining_length},
    {"packet type 0", Versions::all, false, {0x00, 0x00}, errc::invalid_packet_type},
    {"AUTH before MQTT 5", Versions::v3, false, {0xF0, 0x00}, errc::invalid_packet_type},
    {"SUBACK with flags 0001", Versions::all, false,
     {0x91, 0x03, 0x00, 0x01, 0x00}, errc::reserved_flags},
    {"PUBREL without its flags 0010", Versions::all, false,
     {0x60, 0x02, 0x00, 0x01}, errc::reserved_flags},
    // --- PUBLISH ------------------------------------------------------------------------
    {"PUBLISH with QoS 3", Versions::all, false,
     {0x36, 0x05, 0x00, 0x01, 't', 0x00, 0x01}, errc::invalid_qos},
    {"PUBLISH QoS 1 with packet id 0", Versions::v3, false,
     {0x32, 0x05, 0x00, 0x01, 't', 0x00, 0x00}, errc::zero_packet_id},
    {"PUBLISH to topic a/+", Versions::v3, false,
     {0x30, 0x05, 0x00, 0x03, 'a', '/', '+'}, errc::wildcard_in_topic},
    {"PUBLISH to topic #", Versions::v3, false,
     {0x30, 0x03, 0x00, 0x01, '#'}, errc::wildcard_in_topic},
    {"PUBLISH with an empty topic", Versions::v3, false,
     {0x30, 0x03, 0x00, 0x00, 'x'}, errc::invalid_topic},
    {"PUBLISH with an empty topic and no Topic Alias", Versions::v5, false,
     {0x30, 0x04, 0x00, 0x00, 0x00, 'x'}, errc::invalid_topic},
    {"PUBLISH QoS 0 with DUP set", Versions::all, false,
     {0x38, 0x03, 0x00, 0x01, 't'}, errc::reserved_flags},
    {"PUBLISH topic with overlong UTF-8", Versions::v3, false,
     {0x30, 0x04, 0x00, 0x02, 0xC0, 0x80}, errc::invalid_utf8},
    {"PUBLISH topic with U+0000", Versions::v3, false,
     {0x30, 0x04, 0x00, 0x02, 'a', 0x00}, errc::null_character},
    {"PUBLISH topic longer than the packet", Versions::v3, false,
     {0x30, 0x03, 0x00, 0x05, 't'}, errc::truncated},
    {"PUBLISH QoS 1 with half a packet id", Versions::v3, false,
     {0x32, 0x04, 0x00, 0x01, 't', 0x00}, errc::truncated},
    {"PUBLISH with a Session Expiry Interval property", Versions::v5, false,
     {0x30, 0x09, 0x00, 0x01, 't', 0x05, 0x11, 0x00, 0x00, 0x00, 0x01},
     errc::property_not_allowed},
    {"PUBLISH with two Topic Alias properties", Versions::v5, false,
     {0x30, 0x0A, 0x00, 0x01, 't', 0x06, 0x23, 0x00, 0x01, 0x23, 0x00, 0x02},
     errc::duplicate_property},
    {"PUBLISH property length past the packet", Versions::v5, false,
     {0x30, 0x05, 0x00, 0x01, 't', 0x09, 0x01}, errc::truncated},
    // --- PUBACK, PUBREC, PUBREL, PUBCOMP --------------------------------------------------
    {"PUBACK with a reason code before MQTT 5", Versions::v3, false,
     {0x40, 0x03, 0x00, 0x01, 0x00}, errc::trailing_bytes},
    {"PUBREC with packet id 0", Versions::all, false,
     {0x50, 0x02, 0x00, 0x00}, errc::zero_packet_id},
    {"PUBCOMP with half a packet id", Versions::v3, false,
     {0x70, 0x01, 0x01}, errc::truncated},
    {"PUBACK reason 0x11 (UNSUBACK only)", Versions::v5, false,
     {0x40, 0x03, 0x00, 0x01, 0x11}, errc::invalid_reason_code},
    {"PUBREL reason 0x10 (PUBACK/PUBREC only)", Versions::v5, false,
     {0x62, 0x03, 0x00, 0x01, 0x10}, errc::invalid_reason_code},
    {"PUBACK reason 0x01 (not listed)", Versions::v5, false,
     {0x40, 0x03, 0x00, 0x01, 0x01}, errc::invalid_reason_code},
    {"PUBCOMP reason 0x95", Versions::v5, false,
     {0x70, 0x03, 0x00, 0x01, 0x95}, errc::invalid_reason_code},
    {"PUBACK with a Topic Alias property", Versions::v5, false,
     {0x40, 0x07, 0x00, 0x01, 0x00, 0x03, 0x23, 0x00, 0x01}, errc::property_not_allowed},
    {"PUBACK with a byte after its properties", Versions::v5, false,
     {0x40, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00}, errc::trailing_bytes},
    // --- SUBACK, UNSUBACK ---------------------------------------------------------------
    {"SUBACK return code 3", Versions::v3, false,
     {0x90, 0x03, 0x00, 0x0A, 0x03}, errc::invalid_reason_code},
    {"SUBACK reason 0x11 (UNSUBACK only)", Versions::v5, false,
     {0x90, 0x04, 0x00, 0x0A, 0x00, 0x11}, errc::invalid_reason_code},
    {"SUBACK without any return code", Versions::v3, false,
     {0x90, 0x02, 0x00, 0x0A}, errc::empty_subscription_list},
    // --- PINGRESP, DISCONNECT, AUTH -------------------------------------------------------
    {"PINGRESP with a body", Versions::all, false, {0xD0, 0x01, 0x00}, errc::trailing_bytes},
    {"DISCONNECT with a body before MQTT 5", Versions::v3, false,
     {0xE0, 0x01, 0x04}, errc::trailing_bytes},
    {"DISCONNECT reason 0x18 (AUTH only)", Versions::v5, false,
     {0xE0, 0x01, 0x18}, errc::invalid_reason_code},
    {"DISCONNECT with a Receive Maximum property", Versions::v5, false,
     {0xE0, 0x05, 0x00, 0x03, 0x21, 0x00, 0x01}, errc::property_not_allowed},
    {"DISCONNECT with a byte after its properties", Versions::v5, false,
     {0xE0, 0x03, 0x00, 0x00, 0x00}, errc::trailing_bytes},
    {"AUTH reason 0x87 (not an AUTH code)", Versions::v5, false,
     {0xF0, 0x02, 0x87, 0x00}, errc::invalid_reason_code},
    {"AUTH with a Session Expiry Interval property", Versions::v5, false,
     {0xF0, 0x07, 0x18, 0x05, 0x11, 0x00, 0x00, 0x00, 0x01}, errc::property_not_allowed},
  };
  return table;
}
// clang-format on

}  // namespace portmqtt::test
