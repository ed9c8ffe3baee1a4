// The codec's public face: bytes -> packets (decode) and packets -> bytes (encode).
//
// Decoding is total: it never throws, never reads past `in`, and never allocates more than the
// packet's own fields need (the size is checked against Limits before anything is buffered).
// Encoding appends to a caller's Buffer; it computes the packet size first and writes each byte
// once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "codec/buffer.hpp"
#include "codec/errc.hpp"
#include "codec/packet.hpp"
#include "codec/types.hpp"

namespace portmqtt::codec {

struct Limits {
  /// Largest whole packet accepted (fixed header included). Checked as soon as the Remaining
  /// Length is known, before the rest of the packet has arrived.
  std::uint32_t maximum_packet_size = kMaxPacketSize;
};

enum class DecodeStatus : std::uint8_t { packet, need_more, error };

struct DecodeResult {
  DecodeStatus status = DecodeStatus::need_more;
  /// status == packet: bytes consumed (the whole packet).
  /// status == need_more: size of the whole packet once the fixed header is complete, so the
  /// caller can size its buffer; 0 while the fixed header itself is incomplete.
  std::size_t size = 0;
  std::error_code error;  ///< status == error: why (a codec::errc)
  Packet packet;          ///< status == packet; borrows from `in`
};

/// Decodes the first packet in `in`. `version` is the protocol version of the connection;
/// CONNECT carries its own and is decoded whatever `version` says.
DecodeResult decode(ByteView in, ProtocolVersion version, const Limits& limits = {});

/// A PUBACK, PUBREC or PUBCOMP in its shortest form: the packet id alone (Remaining Length
/// 2; reason Success and no properties in MQTT 5), the acknowledgement a broker sends for
/// nearly every message.
struct ShortAck {
  PacketType type{};
  std::uint16_t packet_id = 0;
};

/// The packet at the front of `in` when it is a ShortAck, read without building a Packet (the
/// per-acknowledgement path of a publisher); nothing for anything else, including those
/// forms decode() refuses (packet id 0, wrong flags), so decode() is always the fallback.
/// Valid in every protocol version.
std::optional<ShortAck> decode_short_ack(ByteView in);

struct FixedHeader {
  PacketType type{};
  std::uint8_t flags = 0;  ///< low nibble of the first byte
  std::uint32_t remaining_length = 0;
  std::uint8_t header_size = 0;  ///< 2..5
  std::size_t packet_size() const { return header_size + std::size_t{remaining_length}; }
};

struct FixedHeaderResult {
  DecodeStatus status = DecodeStatus::need_more;
  FixedHeader header;
  std::error_code error;
};

/// Reads only the fixed header (type, flags, Remaining Length), validating the length encoding
/// and `limits`. Lets a reader learn a packet's size before it has all of it.
FixedHeaderResult decode_fixed_header(ByteView in, const Limits& limits = {});

/// Appends the encoding of `packet` to `out`. Fails (appending nothing) when a field does not
/// fit its wire form: strings over 65535 bytes, Remaining Length over kMaxRemainingLength,
/// a property not allowed on the packet, packet id 0 where one is required, QoS 3.
///
/// The errors, all codec::errc: string_too_long (string or binary field, property values
/// included); value_out_of_range (Remaining Length, or a property number wider than its wire
/// type); zero_packet_id; invalid_qos (PUBLISH, will, subscription options); reserved_flags
/// (DUP on a QoS 0 PUBLISH); invalid_topic (empty PUBLISH topic without a Topic Alias, or any
/// empty topic before MQTT 5); invalid_packet_type (AUTH before MQTT 5);
/// unsupported_protocol_version (CONNECT version not 3, 4 or 5); invalid_connect_flags
/// (password without user name before MQTT 5); invalid_reason_code (a code the packet cannot
/// carry in that version, e.g. a CONNACK code with no 3.x return code); empty_subscription_list
/// (SUBSCRIBE/UNSUBSCRIBE without filters, SUBACK or MQTT 5 UNSUBACK without codes);
/// invalid_subscription_options (Retain Handling 3); invalid_property_id,
/// property_not_allowed, duplicate_property (MQTT 5 property lists).
/// Fields a version lacks are not written (properties and MQTT 5 options before 5, Session
/// Present in 3.1). Topic names/filters are not checked for UTF-8 or wildcards here: use
/// check_topic_name() and check_topic_filter(). A CONNECT uses its own `version` field.
std::error_code encode(const Packet& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Connect& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Connack& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Publish& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Puback& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Pubrec& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Pubrel& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Pubcomp& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Subscribe& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Suback& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Unsubscribe& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Unsuback& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Pingreq& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Pingresp& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Disconnect& packet, ProtocolVersion version, Buffer& out);
std::error_code encode(const Auth& packet, ProtocolVersion version, Buffer& out);

/// Size encode() would append for `packet`, or 0 when it cannot be encoded.
std::size_t encoded_size(const Packet& packet, ProtocolVersion version);

/// Well-formed UTF-8 per MQTT §1.5.4: no ill-formed sequences, no surrogates, no U+0000, no
/// longer than 65535 bytes.
std::error_code check_utf8_string(std::string_view s);
/// A topic name for PUBLISH: a valid UTF-8 string, non-empty, without '+' or '#'.
std::error_code check_topic_name(std::string_view topic);
/// A topic filter for SUBSCRIBE/UNSUBSCRIBE: non-empty UTF-8; '#' only as the whole last
/// level; '+' only as a whole level. `$share/<name>/<filter>` is checked as a shared filter.
std::error_code check_topic_filter(std::string_view filter);

}  // namespace portmqtt::codec
