// Which broker the next connection attempt goes to: the broker list with failover
// (BrokerConfig::failover_uris) and MQTT 5 server redirection (BrokerConfig::redirect).
// Strand-only state of the runtime; no I/O here.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "client/config_map.hpp"
#include "portmqtt/config.hpp"
#include "portmqtt/properties.hpp"
#include "portmqtt/reason_code.hpp"
#include "transport/server_reference.hpp"

namespace portmqtt::detail {

/// Design: a round tries each broker of the list once, starting from the one in use; a failed
/// attempt moves on at once, a failed round waits for the reconnect delay. A redirection is a
/// detour from the current list position: its servers are tried in order, at once, and a
/// failure there returns to the list. Redirections count as hops until a connection succeeds
/// or a round ends, which bounds chains and breaks loops (A -> B -> A) without timing.
class BrokerList {
 public:
  explicit BrokerList(std::uint32_t seed = std::random_device{}()) : rng_(seed) {}

  /// Every failover URI and the proxy URI parse (errc::invalid_uri otherwise).
  static std::error_code check(const Config& config);

  /// Takes the list and the redirect policy from `config`. An unchanged list keeps its
  /// position, order and remembered moves; a changed one starts over at its first broker.
  void configure(const Config& config);
  /// The target of the next attempt: the current broker of the list (a failover URI in place
  /// of config.broker.uri), with the host and port of a redirection or remembered move.
  std::error_code resolve(const Config& config, Target& out);
  /// `scheme://host:port` of the last resolve().
  std::string_view description() const { return description_; }
  /// The current broker's place in the configuration (0: BrokerConfig::uri, 1..: failover).
  std::size_t index() const { return order_.empty() ? 0 : order_[position_]; }
  bool redirected() const { return following_; }

  /// The broker refused the connection or sent DISCONNECT with `reason`; the attempt's end
  /// (attempt_ended) decides whether to follow its Server Reference.
  void note_server_reason(ReasonCode reason, const Properties& properties);
  /// CONNACK accepted.
  void connected();
  /// The connection or attempt ended. True: make the next attempt at once (a redirection, or
  /// another broker of this round). False: wait for the reconnect delay (sticky after a lost
  /// connection; a failed round).
  bool attempt_ended(bool was_connected);
  /// After attempt_ended(): the server (`host:port`) a redirection sends the next attempt to,
  /// or empty.
  std::string_view redirect() const { return redirect_text_; }

 private:
  bool follow_redirect(ReasonCode reason, std::string_view reference);
  std::string effective(const transport::ServerAddress& server) const;
  void end_detour();

  std::vector<std::string> uris_;  // [0] empty: the configuration's own broker
  bool shuffle_ = false;
  RedirectConfig policy_;
  std::vector<std::size_t> order_;  // indexes into uris_, in the order tried
  std::size_t position_ = 0;        // in order_
  std::size_t round_start_ = 0;
  std::map<std::size_t, transport::ServerAddress> moved_;  // index -> its new server (0x9D)

  bool following_ = false;  // the current target is a redirection
  std::vector<transport::ServerAddress> detour_;
  std::size_t detour_at_ = 0;
  unsigned hops_ = 0;
  std::vector<std::string> visited_;  // host:port seen in this chain of redirections

  std::optional<ReasonCode> noted_reason_;
  std::string noted_reference_;
  std::string redirect_text_;
  std::string description_;
  std::string current_host_;
  std::uint16_t current_port_ = 0;
  std::minstd_rand rng_;
};

}  // namespace portmqtt::detail
