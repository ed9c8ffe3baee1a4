#include "client/broker_list.hpp"

#include <algorithm>
#include <numeric>

#include "portmqtt/error.hpp"
#include "transport/proxy.hpp"
#include "transport/uri.hpp"

namespace portmqtt::detail {
namespace {

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
  std::vector<std::string> uris{std::string{}};
  uris.insert(uris.end(), config.broker.failover_uris.begin(), config.broker.failover_uris.end());
  if (!order_.empty() && uris == uris_ && shuffle_ == config.broker.shuffle) return;
  uris_ = std::move(uris);
  shuffle_ = config.broker.shuffle;
  order_.resize(uris_.size());
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  if (shuffle_) std::shuffle(order_.begin(), order_.end(), rng_);
  position_ = 0;
  round_start_ = 0;
  moved_.clear();
  end_detour();
  hops_ = 0;
  visited_.clear();
}

std::error_code BrokerList::resolve(const Config& config, Target& out) {
  const std::size_t current = index();
  std::error_code ec;
  if (current == 0) {
    ec = resolve_target(config, out);
  } else {
    Config alternate;
    alternate.broker.uri = uris_[current];
    alternate.broker.port = config.broker.port;
    alternate.credentials = config.credentials;
    ec = resolve_target(alternate, out);
  }
  if (ec) return ec;
  const transport::ServerAddress* elsewhere = nullptr;
  if (following_) {
    elsewhere = &detour_[detour_at_];
  } else if (auto moved = moved_.find(current); moved != moved_.end()) {
    elsewhere = &moved->second;
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
  noted_reason_ = reason;
  const auto reference = properties.text(PropertyId::server_reference);
  noted_reference_.assign(reference ? *reference : std::string_view{});
}

void BrokerList::connected() {
  round_start_ = position_;
  hops_ = 0;
  visited_.clear();
}

std::string BrokerList::effective(const transport::ServerAddress& server) const {
  return host_port(server.host, server.port ? *server.port : current_port_);
}

void BrokerList::end_detour() {
  following_ = false;
  detour_.clear();
  detour_at_ = 0;
}

bool BrokerList::follow_redirect(ReasonCode reason, std::string_view reference) {
  if (!policy_.follow ||
      (reason != ReasonCode::use_another_server && reason != ReasonCode::server_moved)) {
    return false;
  }
  if (current_host_.empty()) return false;  // a Unix socket has no host to replace
  const std::string here = host_port(current_host_, current_port_);
  if (std::find(visited_.begin(), visited_.end(), here) == visited_.end()) {
    visited_.push_back(here);
  }
  std::vector<transport::ServerAddress> servers;
  for (auto& server : transport::parse_server_reference(reference)) {
    if (std::find(visited_.begin(), visited_.end(), effective(server)) == visited_.end()) {
      servers.push_back(std::move(server));  // a server of this chain again would be a loop
    }
  }
  if (servers.empty() || hops_ >= policy_.max_hops) return false;
  ++hops_;
  // Fill in the port now: "the same port" means the port of the broker that sent us.
  for (auto& server : servers) {
    if (!server.port) server.port = current_port_;
  }
  if (reason == ReasonCode::server_moved && policy_.remember_moved) {
    moved_[index()] = servers.front();
  }
  detour_ = std::move(servers);
  detour_at_ = 0;
  following_ = true;
  visited_.push_back(effective(detour_.front()));
  redirect_text_ = effective(detour_.front());
  return true;
}

bool BrokerList::attempt_ended(bool was_connected) {
  redirect_text_.clear();
  const std::optional<ReasonCode> reason = std::exchange(noted_reason_, std::nullopt);
  const std::string reference = std::exchange(noted_reference_, std::string{});
  if (reason && follow_redirect(*reason, reference)) return true;
  if (following_) {
    if (!was_connected && detour_at_ + 1 < detour_.size()) {
      ++detour_at_;
      visited_.push_back(effective(detour_[detour_at_]));
      redirect_text_ = effective(detour_[detour_at_]);
      return true;
    }
    end_detour();
    // Back to the broker that sent us away: at once after a failed detour (it may send us
    // elsewhere; hops and the loop check bound that), after the delay after a lost connection.
    return !was_connected;
  }
  if (was_connected) {
    round_start_ = position_;
    return false;
  }
  position_ = (position_ + 1) % order_.size();
  if (position_ != round_start_) return true;
  hops_ = 0;  // a whole round failed: the delay comes, and redirections may be followed anew
  visited_.clear();
  return false;
}

}  // namespace portmqtt::detail
