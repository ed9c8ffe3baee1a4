// MQTT 5 topic aliases (§3.3.2.3.4). Each direction has its own map, and both start empty on
// every connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portmqtt::session {

/// Aliases the broker defines for PUBLISHes it sends us, up to our Topic Alias Maximum.
class InboundAliases {
 public:
  enum class Status : std::uint8_t { ok, out_of_range, unknown };

  void reset(std::uint16_t maximum);
  /// Applies an alias from a received PUBLISH: with a topic it (re)defines the alias, without
  /// one it looks the topic up and points `topic` at the stored name.
  Status apply(std::uint16_t alias, std::string_view& topic);
  /// Frees names replaced since the last call. Events may point at a replaced name, so they
  /// are kept until the session is next fed.
  void drop_replaced() { replaced_.clear(); }

 private:
  std::uint16_t maximum_ = 0;
  std::vector<std::unique_ptr<std::string>> names_;  // index alias-1; stable addresses
  std::vector<std::unique_ptr<std::string>> replaced_;
};

/// Aliases we define for the broker, up to its Topic Alias Maximum.
class OutboundAliases {
 public:
  void reset(std::uint16_t maximum);
  std::uint16_t maximum() const { return maximum_; }
  /// The topic to put on the wire for a PUBLISH carrying `alias`: empty when the broker already
  /// maps the alias to `topic`, else `topic` (and the mapping is recorded).
  std::string_view topic_to_send(std::uint16_t alias, std::string_view topic);
  /// The topic the alias stands for on this connection, if defined.
  std::optional<std::string_view> lookup(std::uint16_t alias) const;
  /// The broker's mapping for `alias` changes in a way we do not track (an outbox record
  /// carrying it was sent); the next PUBLISH with it sends the topic again.
  void forget(std::uint16_t alias);

 private:
  std::uint16_t maximum_ = 0;
  std::vector<std::string> names_;  // index alias-1; empty: not defined
};

}  // namespace portmqtt::session
