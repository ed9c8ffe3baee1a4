#include "codec/reason_codes.hpp"

#include <array>

namespace portmqtt::codec {
namespace {

// One bit per packet type (bit n = PacketType n), so each row below mirrors the "MQTT Control
// Packets" column of the MQTT 5 §2.4 table.
constexpr std::uint16_t kConnack = 1U << 2;
constexpr std::uint16_t kPuback = 1U << 4;
constexpr std::uint16_t kPubrec = 1U << 5;
constexpr std::uint16_t kPubrel = 1U << 6;
constexpr std::uint16_t kPubcomp = 1U << 7;
constexpr std::uint16_t kSuback = 1U << 9;
constexpr std::uint16_t kUnsuback = 1U << 11;
constexpr std::uint16_t kDisconnect = 1U << 14;
constexpr std::uint16_t kAuth = 1U << 15;

struct ReasonInfo {
  std::string_view name;  // empty: not a reason code
  std::uint16_t packets = 0;
};

constexpr std::array<ReasonInfo, 256> kTable = [] {
  std::array<ReasonInfo, 256> t{};
  // 0x00 is Success, Normal disconnection (DISCONNECT) and Granted QoS 0 (SUBACK).
  t[0x00] = {"Success", kConnack | kPuback | kPubrec | kPubrel | kPubcomp | kSuback | kUnsuback |
                            kDisconnect | kAuth};
  t[0x01] = {"Granted QoS 1", kSuback};
  t[0x02] = {"Granted QoS 2", kSuback};
  t[0x04] = {"Disconnect with Will Message", kDisconnect};
  t[0x10] = {"No matching subscribers", kPuback | kPubrec};
  t[0x11] = {"No subscription existed", kUnsuback};
  t[0x18] = {"Continue authentication", kAuth};
  t[0x19] = {"Re-authenticate", kAuth};
  t[0x80] = {"Unspecified error", kConnack | kPuback | kPubrec | kSuback | kUnsuback | kDisconnect};
  t[0x81] = {"Malformed Packet", kConnack | kDisconnect};
  t[0x82] = {"Protocol Error", kConnack | kDisconnect};
  t[0x83] = {"Implementation specific error",
             kConnack | kPuback | kPubrec | kSuback | kUnsuback | kDisconnect};
  t[0x84] = {"Unsupported Protocol Version", kConnack};
  t[0x85] = {"Client Identifier not valid", kConnack};
  t[0x86] = {"Bad User Name or Password", kConnack};
  t[0x87] = {"Not authorized", kConnack | kPuback | kPubrec | kSuback | kUnsuback | kDisconnect};
  t[0x88] = {"Server unavailable", kConnack};
  t[0x89] = {"Server busy", kConnack | kDisconnect};
  t[0x8A] = {"Banned", kConnack};
  t[0x8B] = {"Server shutting down", kDisconnect};
  t[0x8C] = {"Bad authentication method", kConnack | kDisconnect};
  t[0x8D] = {"Keep Alive timeout", kDisconnect};
  t[0x8E] = {"Session taken over", kDisconnect};
  t[0x8F] = {"Topic Filter invalid", kSuback | kUnsuback | kDisconnect};
  t[0x90] = {"Topic Name invalid", kConnack | kPuback | kPubrec | kDisconnect};
  t[0x91] = {"Packet Identifier in use", kPuback | kPubrec | kSuback | kUnsuback};
  t[0x92] = {"Packet Identifier not found", kPubrel | kPubcomp};
  t[0x93] = {"Receive Maximum exceeded", kDisconnect};
  t[0x94] = {"Topic Alias invalid", kDisconnect};
  t[0x95] = {"Packet too large", kConnack | kDisconnect};
  t[0x96] = {"Message rate too high", kDisconnect};
  t[0x97] = {"Quota exceeded", kConnack | kPuback | kPubrec | kSuback | kDisconnect};
  t[0x98] = {"Administrative action", kDisconnect};
  t[0x99] = {"Payload format invalid", kConnack | kPuback | kPubrec | kDisconnect};
  t[0x9A] = {"Retain not supported", kConnack | kDisconnect};
  t[0x9B] = {"QoS not supported", kConnack | kDisconnect};
  t[0x9C] = {"Use another server", kConnack | kDisconnect};
  t[0x9D] = {"Server moved", kConnack | kDisconnect};
  t[0x9E] = {"Shared Subscriptions not supported", kSuback | kDisconnect};
  t[0x9F] = {"Connection rate exceeded", kConnack | kDisconnect};
  t[0xA0] = {"Maximum connect time", kDisconnect};
  t[0xA1] = {"Subscription Identifiers not supported", kSuback | kDisconnect};
  t[0xA2] = {"Wildcard Subscriptions not supported", kSuback | kDisconnect};
  return t;
}();

}  // namespace

std::string_view to_string(ReasonCode code) {
  std::string_view name = kTable[static_cast<std::uint8_t>(code)].name;
  return name.empty() ? std::string_view{"Unknown reason code"} : name;
}

ReasonCode to_reason_code(ConnectReturnCode code) {
  switch (code) {
    case ConnectReturnCode::accepted:
      return ReasonCode::success;
    case ConnectReturnCode::unacceptable_protocol_version:
      return ReasonCode::unsupported_protocol_version;
    case ConnectReturnCode::identifier_rejected:
      return ReasonCode::client_identifier_not_valid;
    case ConnectReturnCode::server_unavailable:
      return ReasonCode::server_unavailable;
    case ConnectReturnCode::bad_user_name_or_password:
      return ReasonCode::bad_user_name_or_password;
    case ConnectReturnCode::not_authorized:
      return ReasonCode::not_authorized;
  }
  return ReasonCode::unspecified_error;
}

std::optional<ConnectReturnCode> to_connect_return_code(ReasonCode code) {
  switch (code) {
    case ReasonCode::success:
      return ConnectReturnCode::accepted;
    case ReasonCode::unsupported_protocol_version:
      return ConnectReturnCode::unacceptable_protocol_version;
    case ReasonCode::client_identifier_not_valid:
      return ConnectReturnCode::identifier_rejected;
    case ReasonCode::server_unavailable:
      return ConnectReturnCode::server_unavailable;
    case ReasonCode::bad_user_name_or_password:
      return ConnectReturnCode::bad_user_name_or_password;
    case ReasonCode::not_authorized:
      return ConnectReturnCode::not_authorized;
    default:
      return std::nullopt;
  }
}

bool is_valid_reason_code(std::uint8_t packet_type, ReasonCode code) {
  if (packet_type > 15) return false;
  return (kTable[static_cast<std::uint8_t>(code)].packets & (1U << packet_type)) != 0;
}

bool is_accepted_reason_code(std::uint8_t packet_type, ReasonCode code) {
  if (is_valid_reason_code(packet_type, code)) return true;
  const bool publish_ack = packet_type == 4 || packet_type == 5;  // PUBACK, PUBREC
  return publish_ack && is_failure(code);
}

}  // namespace portmqtt::codec
