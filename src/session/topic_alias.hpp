// MQTT 5 topic aliases (§3.3.2.3.4). Each direction has its own map, and both start empty on
// every connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
  void drop_replaced() {
    if (t_) t_->replaced.clear();
  }

 private:
  struct Table {
    std::vector<std::unique_ptr<std::string>> names;  // index alias-1; stable addresses
    std::vector<std::unique_ptr<std::string>> replaced;
  };
  std::uint16_t maximum_ = 0;
  std::unique_ptr<Table> t_;  // made by the first alias the broker defines
};

/// Aliases we define for the broker, up to its Topic Alias Maximum.
///
/// Two views are kept. The wire view is what the broker maps on this connection, updated as
/// PUBLISHes are queued for the transport (packets reach the broker in that order). The
/// application view is the topic the application last gave with each alias; an alias-only
/// publish() is resolved through it, so it works even while the PUBLISH that defines the
/// alias still waits in the outbox (it then goes out with its topic).
///
/// Automatic aliases (Config::auto_topic_aliases) use the same wire map: a topic already
/// mapped is sent as its alias alone, a new one takes a free alias or the least recently
/// used one. LRU because publishers' working sets drift (a device reports on a few topics
/// for a while, then others) and it costs O(1) per PUBLISH; a frequency count would keep
/// yesterday's busy topics. Aliases the application sets itself share the numbers: defining
/// one by hand takes it from the automatic table.
class OutboundAliases {
 public:
  /// A new connection: nothing is mapped. `maximum` is the broker's Topic Alias Maximum,
  /// `automatic` how many of those the automatic table may use (0: none).
  void reset(std::uint16_t maximum, std::uint16_t automatic = 0);
  std::uint16_t maximum() const { return maximum_; }

  // --- wire view ---
  /// The topic to put on the wire for a PUBLISH carrying `alias`: empty when the broker already
  /// maps the alias to `topic`, else `topic` (and the mapping is recorded).
  std::string_view topic_to_send(std::uint16_t alias, std::string_view topic);
  /// Whether the broker maps `alias` to `topic` on this connection.
  bool maps(std::uint16_t alias, std::string_view topic) const;
  /// A PUBLISH with `topic` and `alias` was queued: the broker will map one to the other.
  /// `automatic`: the alias came from choose() and joins the automatic table.
  void define(std::uint16_t alias, std::string_view topic, bool automatic = false);
  /// The broker never saw the mapping just recorded for `alias` (its PUBLISH was not sent).
  void forget(std::uint16_t alias);

  // --- application view ---
  /// The application published `topic` with `alias` (accepted on this connection).
  void remember(std::uint16_t alias, std::string_view topic);
  /// The topic the application last gave with `alias` on this connection, if any.
  std::optional<std::string_view> lookup(std::uint16_t alias) const;

  // --- automatic aliases ---
  struct Choice {
    std::uint16_t alias = 0;  ///< 0: send the topic without an alias
    bool known = false;       ///< the broker maps it already: the topic may be left out
  };
  /// The alias to use for `topic`, without changing anything; commit it with define() (or
  /// touch() when known) once the PUBLISH is queued.
  Choice choose(std::string_view topic) const;
  /// Marks a known automatic alias as just used.
  void touch(std::uint16_t alias);
  /// Whether automatic aliases are on for this connection.
  bool automatic() const { return automatic_ != 0; }

 private:
  struct TopicHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void unindex(std::uint16_t alias);  // drops the automatic entry of the alias's topic
  void unlink(std::uint16_t alias);
  void link_front(std::uint16_t alias);

  struct Table {
    std::vector<std::string> names;  // wire view, index alias-1; empty: not defined
    std::vector<std::string> given;  // application view, index alias-1
    // Automatic table: topic -> alias for aliases 1..automatic_ defined on the wire, and their
    // use order as a circular list threaded through two arrays indexed by alias, 0 being the
    // head: next[0] is the most recently used, prev[0] the least.
    std::unordered_map<std::string, std::uint16_t, TopicHash, std::equal_to<>> index;
    std::vector<std::uint16_t> next;  // empty until the first automatic alias
    std::vector<std::uint16_t> prev;
    std::uint16_t used = 0;  // automatic aliases handed out so far (they are 1..used)
  };

  std::uint16_t maximum_ = 0;
  std::uint16_t automatic_ = 0;
  // Made by reset() with a maximum above 0: a connection without aliases (every MQTT 3 one)
  // holds 8 bytes instead of 150. Every alias of the table is at most maximum_, so a method
  // that checked its alias against maximum_ finds the table made.
  std::unique_ptr<Table> t_;
};

}  // namespace portmqtt::session
