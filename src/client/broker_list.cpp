#include "client/broker_list.hpp"

#include <algorithm>
#include <numeric>

#include "portmqtt/error.hpp"
#include "transport/proxy.hpp"
#include "transport/uri.hpp"

namespace portmqtt::detail {
namespace {

// A failover broker's target: its URI with the configuration's port and credentials. Out of
// line, as the Config it builds is 1.4 KiB: resolve() runs on the loop thread's deepest path
// (the start of a connection attempt), which for the common single broker does not need it.
[[gnu::noinline]] std::error_code resolve_failover(const Config& config, const std::string& uri,
                                                   Target& out) {
  Config alternate;
  alternate.broker.uri = uri;
  alternate.broker.port = config.broker.port;
  alternate.credentials = config.credentials;
  return resolve_target(alternate, out);
}

std::string host_port(std::string_view host, std::uint16_t port) {
  return transport::to_string(transport::ServerAddress{std::string{host}, port});
}

}  // namespace

std::error_code BrokerList::check(const Config& config) {
  for (const std::string& uri : config.broker.failover_uris) {
    transport::Uri parsed;
    if (transport::parse_uri(uri, parsed)) return errc::invalid_uri;
  }
  transport::Proxy proxy;
  if (!config.network.proxy.empty() && transport::parse_proxy_uri(config.network.proxy, proxy)) {
    return errc::invalid_uri;
  }
  return {};
}

void BrokerList::configure(const Config& config) {
  policy_ = config.broker.redirect;
  // One broker and no routing state yet: the state a fresh list of one broker would have.
  if (!r_ && config.broker.failover_uris.empty()) {
    shuffle_ = config.broker.shuffle;
    return;
  }
  const bool fresh = !r_;
  Routing& r = routing();
  std::vector<std::string> uris{std::string{}};
  uris.insert(uris.end(), config.broker.failover_uris.begin(), config.broker.failover_uris.end());
  if (!fresh && uris == r.uris && shuffle_ == config.broker.shuffle) return;
  r.uris = std::move(uris);
  shuffle_ = config.broker.shuffle;
  r.order.resize(r.uris.size());
  std::iota(r.order.begin(), r.order.end(), std::size_t{0});
  if (shuffle_) std::shuffle(r.order.begin(), r.order.end(), rng_);
  r.position = 0;
  r.round_start = 0;
  r.moved.clear();
  end_detour(r);
  r.hops = 0;
  r.visited.clear();
}

std::error_code BrokerList::resolve(const Config& config, Target& out) {
  const std::size_t current = index();
  if (auto ec = current == 0 ? resolve_target(config, out)
                             : resolve_failover(config, r_->uris[current], out))
    return ec;
  const transport::ServerAddress* elsewhere = nullptr;
  if (r_ && r_->following) {
    elsewhere = &r_->detour[r_->detour_at];
  } else if (r_) {
    if (auto moved = r_->moved.find(current); moved != r_->moved.end()) elsewhere = &moved->second;
  }
  transport::Endpoint& endpoint = out.endpoint;
  if (elsewhere && endpoint.scheme != transport::Scheme::unix_socket) {
    endpoint.host = elsewhere->host;
    if (elsewhere->port) endpoint.port = *elsewhere->port;
  }
  current_host_ = endpoint.host;
  current_port_ = endpoint.port;
  description_.clear();
  if (endpoint.scheme != transport::Scheme::unix_socket) {
    description_.append(transport::to_string(endpoint.scheme)).append("://");
    description_.append(host_port(endpoint.host, endpoint.port));
  }
  return {};
}

void BrokerList::note_server_reason(ReasonCode reason, const Properties& properties) {
  Routing& r = routing();
  r.noted_reason = reason;
  const auto reference = properties.text(PropertyId::server_reference);
  r.noted_reference.assign(reference ? *reference : std::string_view{});
}

void BrokerList::connected() {
  if (!r_) return;
  r_->round_start = r_->position;
  r_->hops = 0;
  r_->visited.clear();
}

std::string BrokerList::effective(const transport::ServerAddress& server) const {
  return host_port(server.host, server.port ? *server.port : current_port_);
}

void BrokerList::end_detour(Routing& r) {
  r.following = false;
  r.detour.clear();
  r.detour_at = 0;
}

bool BrokerList::follow_redirect(Routing& r, ReasonCode reason, std::string_view reference) {
  if (!policy_.follow ||
      (reason != ReasonCode::use_another_server && reason != ReasonCode::server_moved)) {
    return false;
  }
  if (current_host_.empty()) return false;  // a Unix socket has no host to replace
  const std::string here = host_port(current_host_, current_port_);
  if (std::find(r.visited.begin(), r.visited.end(), here) == r.visited.end()) {
    r.visited.push_back(here);
  }
  std::vector<transport::ServerAddress> servers;
  for (auto& server : transport::parse_server_reference(reference)) {
    if (std::find(r.visited.begin(), r.visited.end(), effective(server)) == r.visited.end()) {
      servers.push_back(std::move(server));  // a server of this chain again would be a loop
    }
  }
  if (servers.empty() || r.hops >= policy_.max_hops) return false;
  ++r.hops;
  // Fill in the port now: "the same port" means the port of the broker that sent us.
  for (auto& server : servers) {
    if (!server.port) server.port = current_port_;
  }
  if (reason == ReasonCode::server_moved && policy_.remember_moved) {
    r.moved[index()] = servers.front();
  }
  r.detour = std::move(servers);
  r.detour_at = 0;
  r.following = true;
  r.visited.push_back(effective(r.detour.front()));
  r.redirect_text = effective(r.detour.front());
  return true;
}

bool BrokerList::attempt_ended(bool was_connected) {
  // Without routing state: one broker, no reason noted, no detour. A round of one broker
  // ends with every attempt, and there is nothing to reset.
  if (!r_) return false;
  Routing& r = *r_;
  r.redirect_text.clear();
  const std::optional<ReasonCode> reason = std::exchange(r.noted_reason, std::nullopt);
  const std::string reference = std::exchange(r.noted_reference, std::string{});
  if (reason && follow_redirect(r, *reason, reference)) return true;
  if (r.following) {
    if (!was_connected && r.detour_at + 1 < r.detour.size()) {
      ++r.detour_at;
      r.visited.push_back(effective(r.detour[r.detour_at]));
      r.redirect_text = effective(r.detour[r.detour_at]);
      return true;
    }
    end_detour(r);
    // Back to the broker that sent us away: at once after a failed detour (it may send us
    // elsewhere; hops and the loop check bound that), after the delay after a lost connection.
    return !was_connected;
  }
  if (was_connected) {
    r.round_start = r.position;
    return false;
  }
  r.position = (r.position + 1) % r.order.size();
  if (r.position != r.round_start) return true;
  r.hops = 0;  // a whole round failed: the delay comes, and redirections may be followed anew
  r.visited.clear();
  return false;
}

}  // namespace portmqtt::detail
