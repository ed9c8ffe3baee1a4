// Decodes arbitrary bytes as a stream of packets in every protocol version and checks what
// any decoded packet must satisfy. Run: fuzz_decode corpus/decode -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "codec/codec.hpp"

namespace {

using namespace portmqtt::codec;

void require(bool condition) {
  if (!condition) std::abort();  // libFuzzer reports the input that got here
}

// Every view in a decoded packet borrows from the packet's own bytes.
struct ViewChecker {
  ByteView packet;

  void operator()(std::string_view s) const {
    if (s.empty()) return;
    const auto* begin = reinterpret_cast<const char*>(packet.data());
    require(s.data() >= begin && s.data() + s.size() <= begin + packet.size());
  }
  void operator()(const Properties& props, PropertyContext context) const {
    for (const Property& p : props) {
      require(is_property_allowed(p.id, context));
      (*this)(p.text);
      (*this)(p.value);
      if (property_type(p.id) == PropertyType::utf8_string) require(!check_utf8_string(p.text));
    }
  }
};

void check_connect(const Connect& c, const ViewChecker& in) {
  require(!check_utf8_string(c.client_id));
  in(c.client_id);
  in(c.props, PropertyContext::connect);
  if (c.version != ProtocolVersion::v5) require(c.props.empty());
  if (c.will) {
    require(!check_topic_name(c.will->topic));
    require(c.will->qos <= QoS::exactly_once);
    in(c.will->topic);
    in(c.will->payload);
    in(c.will->props, PropertyContext::will);
  }
  if (c.username) {
    require(!check_utf8_string(*c.username));
    in(*c.username);
  }
  if (c.password) in(*c.password);
}

void check_publish(const Publish& p, ProtocolVersion version, const ViewChecker& in) {
  require(p.qos <= QoS::exactly_once);
  require((p.packet_id != 0) == (p.qos != QoS::at_most_once));
  require(!p.dup || p.qos != QoS::at_most_once);
  const bool aliased = p.topic.empty() && version == ProtocolVersion::v5 &&
                       p.props.find(PropertyId::topic_alias) != nullptr;
  require(aliased || !check_topic_name(p.topic));
  in(p.topic);
  in(p.payload);
  in(p.props, PropertyContext::publish);
}

void check_subscribe(const Subscribe& s, const ViewChecker& in) {
  require(s.packet_id != 0 && !s.subscriptions.empty());
  for (const Subscription& sub : s.subscriptions) {
    require(!check_topic_filter(sub.filter));
    require(sub.options.max_qos <= QoS::exactly_once);
    in(sub.filter);
  }
  in(s.props, PropertyContext::subscribe);
}

void check_packet(const Packet& packet, ProtocolVersion version, ByteView bytes) {
  const ViewChecker in{bytes};
  require(static_cast<int>(type_of(packet)) == bytes[0] >> 4);
  if (const auto* c = std::get_if<Connect>(&packet)) check_connect(*c, in);
  if (const auto* p = std::get_if<Publish>(&packet)) check_publish(*p, version, in);
  if (const auto* s = std::get_if<Subscribe>(&packet)) check_subscribe(*s, in);
  if (const auto* u = std::get_if<Unsubscribe>(&packet)) {
    require(u->packet_id != 0 && !u->filters.empty());
    for (std::string_view f : u->filters)
      require(!check_topic_filter(f));
  }
  if (const auto* s = std::get_if<Suback>(&packet)) require(!s->reasons.empty());
  if (version != ProtocolVersion::v5) {
    require(!std::holds_alternative<Auth>(packet));
  }
}

// Decodes packets one after another until the input runs out or is rejected.
void decode_stream(ByteView input, ProtocolVersion version, const Limits& limits) {
  while (!input.empty()) {
    const DecodeResult r = decode(input, version, limits);
    if (r.status == DecodeStatus::error) {
      require(r.error && &r.error.category() == &codec_category());
      return;
    }
    if (r.status == DecodeStatus::need_more) {
      require(r.size == 0 || (r.size > input.size() && r.size <= limits.maximum_packet_size));
      return;
    }
    require(r.size >= 2 && r.size <= input.size() && r.size <= limits.maximum_packet_size);
    const FixedHeaderResult h = decode_fixed_header(input, limits);
    require(h.status == DecodeStatus::packet && h.header.packet_size() == r.size);

    const ByteView bytes = input.first(r.size);
    check_packet(r.packet, version, bytes);
    // The packet depends on its own bytes only, and one byte fewer is never enough.
    const DecodeResult alone = decode(bytes, version, limits);
    require(alone.status == DecodeStatus::packet && alone.size == r.size);
    require(alone.packet == r.packet);
    const DecodeResult shorter = decode(bytes.first(r.size - 1), version, limits);
    require(shorter.status == DecodeStatus::need_more);
    input = input.subspan(r.size);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  for (ProtocolVersion v : {ProtocolVersion::v3_1, ProtocolVersion::v3_1_1, ProtocolVersion::v5}) {
    decode_stream(input, v, Limits{});
  }
  // A small limit exercises the packet_too_large path on the same bytes.
  decode_stream(input, ProtocolVersion::v5, Limits{64});
  return 0;
}
