// Which broker the next connection attempt goes to: the broker list with failover
// (BrokerConfig::failover_uris) and MQTT 5 server redirection (BrokerConfig::redirect).
// Strand-only state of the runtime; no I/O here.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
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
  std::size_t index() const { return r_ && !r_->order.empty() ? r_->order[r_->position] : 0; }
  bool redirected() const { return r_ && r_->following; }

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
  std::string_view redirect() const { return r_ ? std::string_view{r_->redirect_text} : ""; }

 private:
  // The list and the redirections. A client with one broker that no broker ever sent a
  // reason to has none (8 bytes instead of about 300): its state is then that of a fresh list
  // of one broker, which every method below reads as such.
  struct Routing {
    std::vector<std::string> uris{std::string{}};  // [0] empty: the configuration's own broker
    std::vector<std::size_t> order{0};             // indexes into uris, in the order tried
    std::size_t position = 0;                      // in order
    std::size_t round_start = 0;
    std::map<std::size_t, transport::ServerAddress> moved;  // index -> its new server (0x9D)

    bool following = false;  // the current target is a redirection
    std::vector<transport::ServerAddress> detour;
    std::size_t detour_at = 0;
    unsigned hops = 0;
    std::vector<std::string> visited;  // host:port seen in this chain of redirections

    std::optional<ReasonCode> noted_reason;
    std::string noted_reference;
    std::string redirect_text;
  };
  Routing& routing() {
    if (!r_) r_ = std::make_unique<Routing>();
    return *r_;
  }
  bool follow_redirect(Routing& r, ReasonCode reason, std::string_view reference);
  std::string effective(const transport::ServerAddress& server) const;
  static void end_detour(Routing& r);

  bool shuffle_ = false;
  RedirectConfig policy_;
  std::unique_ptr<Routing> r_;
  std::string description_;
  std::string current_host_;
  std::uint16_t current_port_ = 0;
  std::minstd_rand rng_;
};

}  // namespace portmqtt::detail
