// One plain struct per MQTT control packet, shared by MQTT 3.1, 3.1.1 and 5.0.
//
// Packets are values without behaviour. String and binary fields are views: a decoded packet
// borrows from the bytes it was decoded from, and a packet to encode borrows from the caller.
// Binary data (payload, password, correlation data) is held in std::string_view too; it may
// contain any byte, NUL included. Fields that exist only in MQTT 5 (properties, most reason
// codes) are ignored when encoding for 3.x and left empty/default when decoding 3.x.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "codec/properties.hpp"
#include "codec/reason_codes.hpp"
#include "codec/types.hpp"

namespace portmqtt::codec {

struct Will {
  std::string_view topic;
  std::string_view payload;
  QoS qos = QoS::at_most_once;
  bool retain = false;
  Properties props;  ///< will properties (MQTT 5)

  friend bool operator==(const Will&, const Will&) = default;
};

struct Connect {
  /// Selects protocol name and level on the wire ("MQIsdp"/3, "MQTT"/4, "MQTT"/5). Encoding a
  /// CONNECT uses this field, not the version passed to encode().
  ProtocolVersion version = ProtocolVersion::v3_1_1;
  std::string_view client_id;
  bool clean_start = true;  ///< Clean Session in 3.x
  std::uint16_t keep_alive = 0;
  std::optional<Will> will;
  std::optional<std::string_view> username;
  std::optional<std::string_view> password;
  Properties props;

  friend bool operator==(const Connect&, const Connect&) = default;
};

struct Connack {
  bool session_present = false;
  /// For 3.x the return code is mapped onto the MQTT 5 code of the same meaning
  /// (see to_reason_code(ConnectReturnCode)).
  ReasonCode reason = ReasonCode::success;
  Properties props;

  friend bool operator==(const Connack&, const Connack&) = default;
};

struct Publish {
  std::string_view topic;  ///< may be empty in MQTT 5 when a Topic Alias property is present
  std::string_view payload;
  QoS qos = QoS::at_most_once;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;  ///< 0 for QoS 0, non-zero otherwise
  Properties props;

  friend bool operator==(const Publish&, const Publish&) = default;
};

/// PUBACK, PUBREC, PUBREL and PUBCOMP share one shape. In MQTT 5 a success reason code with no
/// properties is encoded in the short two-byte form.
template <PacketType Type>
struct Ack {
  static constexpr PacketType type = Type;
  std::uint16_t packet_id = 0;
  ReasonCode reason = ReasonCode::success;
  Properties props;

  friend bool operator==(const Ack&, const Ack&) = default;
};
using Puback = Ack<PacketType::puback>;
using Pubrec = Ack<PacketType::pubrec>;
using Pubrel = Ack<PacketType::pubrel>;
using Pubcomp = Ack<PacketType::pubcomp>;

struct SubscribeOptions {
  QoS max_qos = QoS::at_most_once;
  bool no_local = false;             ///< MQTT 5
  bool retain_as_published = false;  ///< MQTT 5
  RetainHandling retain_handling = RetainHandling::send_on_subscribe;  ///< MQTT 5

  friend bool operator==(const SubscribeOptions&, const SubscribeOptions&) = default;
};

struct Subscription {
  std::string_view filter;
  SubscribeOptions options;

  friend bool operator==(const Subscription&, const Subscription&) = default;
};

struct Subscribe {
  std::uint16_t packet_id = 0;
  std::vector<Subscription> subscriptions;  ///< at least one
  Properties props;

  friend bool operator==(const Subscribe&, const Subscribe&) = default;
};

struct Suback {
  std::uint16_t packet_id = 0;
  /// One per filter: granted QoS (0x00..0x02) or a failure code (0x80 in 3.1.1).
  std::vector<ReasonCode> reasons;
  Properties props;

  friend bool operator==(const Suback&, const Suback&) = default;
};

struct Unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string_view> filters;  ///< at least one
  Properties props;

  friend bool operator==(const Unsubscribe&, const Unsubscribe&) = default;
};

struct Unsuback {
  std::uint16_t packet_id = 0;
  std::vector<ReasonCode> reasons;  ///< MQTT 5 only; empty for 3.x
  Properties props;

  friend bool operator==(const Unsuback&, const Unsuback&) = default;
};

struct Pingreq {
  friend bool operator==(const Pingreq&, const Pingreq&) = default;
};
struct Pingresp {
  friend bool operator==(const Pingresp&, const Pingresp&) = default;
};

struct Disconnect {
  ReasonCode reason = ReasonCode::normal_disconnection;  ///< MQTT 5
  Properties props;

  friend bool operator==(const Disconnect&, const Disconnect&) = default;
};

/// MQTT 5 only.
struct Auth {
  ReasonCode reason = ReasonCode::success;
  Properties props;

  friend bool operator==(const Auth&, const Auth&) = default;
};

using Packet = std::variant<Connect, Connack, Publish, Puback, Pubrec, Pubrel, Pubcomp, Subscribe,
                            Suback, Unsubscribe, Unsuback, Pingreq, Pingresp, Disconnect, Auth>;

/// The packet type of whatever the variant holds.
PacketType type_of(const Packet& packet);
/// "PUBLISH", "SUBACK", ...
std::string_view to_string(PacketType type);

}  // namespace portmqtt::codec
