#include "client/packet_trace.hpp"

#include <type_traits>
#include <vector>

#include "client/convert.hpp"
#include "codec/codec.hpp"

namespace portmqtt {

std::string_view to_string(PacketType type) noexcept {
  return codec::to_string(static_cast<codec::PacketType>(type));
}

namespace detail {
namespace {

std::uint8_t options_byte(const codec::SubscribeOptions& options) {
  return static_cast<std::uint8_t>(static_cast<unsigned>(options.max_qos) |
                                   (options.no_local ? 0x04U : 0U) |
                                   (options.retain_as_published ? 0x08U : 0U) |
                                   (static_cast<unsigned>(options.retain_handling) << 4U));
}

// Fills the fields of `trace` that `packet` carries; `filters` and `reasons` own what the
// trace's spans point at.
void describe(const codec::Packet& packet, PacketTrace& trace, std::vector<TracedFilter>& filters,
              std::vector<ReasonCode>& reasons) {
  std::visit(
      [&](const auto& p) {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, codec::Connack>) {
          trace.reason = from_codec(p.reason);
          trace.session_present = p.session_present;
        } else if constexpr (std::is_same_v<P, codec::Publish>) {
          trace.packet_id = p.packet_id;
          trace.qos = from_codec(p.qos);
          trace.retain = p.retain;
          trace.dup = p.dup;
          trace.topic = p.topic;
          trace.payload_size = p.payload.size();
        } else if constexpr (requires { P::type; }) {  // PUBACK, PUBREC, PUBREL, PUBCOMP
          trace.packet_id = p.packet_id;
          trace.reason = from_codec(p.reason);
        } else if constexpr (std::is_same_v<P, codec::Subscribe>) {
          trace.packet_id = p.packet_id;
          for (const auto& s : p.subscriptions)
            filters.push_back({s.filter, options_byte(s.options)});
        } else if constexpr (std::is_same_v<P, codec::Unsubscribe>) {
          trace.packet_id = p.packet_id;
          for (const auto filter : p.filters)
            filters.push_back({filter, 0});
        } else if constexpr (std::is_same_v<P, codec::Suback> ||
                             std::is_same_v<P, codec::Unsuback>) {
          trace.packet_id = p.packet_id;
          for (const auto reason : p.reasons)
            reasons.push_back(from_codec(reason));
        } else if constexpr (std::is_same_v<P, codec::Disconnect> ||
                             std::is_same_v<P, codec::Auth>) {
          trace.reason = from_codec(p.reason);
        }
      },
      packet);
}

const codec::Properties* properties_of(const codec::Packet& packet) {
  return std::visit(
      [](const auto& p) -> const codec::Properties* {
        if constexpr (requires { p.props; })
          return &p.props;
        else
          return nullptr;
      },
      packet);
}

}  // namespace

void PacketTracer::configure(const Config& config) {
  handler_ = config.packet_trace;
  version_ = to_codec(config.session.protocol_version);
}

void PacketTracer::received(codec::ByteView bytes) const {
  if (handler_) report(bytes, PacketDirection::received);
}

void PacketTracer::sent(std::span<const codec::ByteView> buffers) const {
  if (!handler_) return;
  // A packet may span buffers of the gather list: trace from one contiguous copy.
  std::vector<std::uint8_t> whole;
  for (const auto buffer : buffers)
    whole.insert(whole.end(), buffer.begin(), buffer.end());
  report(whole, PacketDirection::sent);
}

void PacketTracer::report(codec::ByteView bytes, PacketDirection direction) const {
  std::vector<TracedFilter> filters;
  std::vector<ReasonCode> reasons;
  Properties properties;
  while (!bytes.empty()) {
    auto result = codec::decode(bytes, version_);
    if (result.status != codec::DecodeStatus::packet) return;  // the session reports errors
    filters.clear();
    reasons.clear();
    properties.clear();
    if (const auto* props = properties_of(result.packet); props && !props->empty())
      copy_from_codec(*props, properties);
    PacketTrace trace{.direction = direction,
                      .type = static_cast<PacketType>(codec::type_of(result.packet)),
                      .properties = properties};
    describe(result.packet, trace, filters, reasons);
    trace.filters = filters;
    trace.reasons = reasons;
    handler_(trace);
    bytes = bytes.subspan(result.size);
  }
}

}  // namespace detail
}  // namespace portmqtt
