// The requests of Client::request() still waiting for their response, and the response topic
// they share.
//
// Design: guarded by Client::Impl::mutex like Completions. A request is registered before its
// PUBLISH can go out, so its response cannot arrive unseen; it ends exactly once, by whichever
// of response, timeout, failure or stop takes it out of the table first.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "portmqtt/client.hpp"

namespace portmqtt::detail {

using RequestDone = Callback<RequestSignature>;

struct PendingResponse {
  RequestDone done;
  std::unique_ptr<boost::asio::steady_timer> timer;
  // The request's PUBLISH, kept until the response subscription is in place.
  bool sent = false;
  std::string topic;
  std::string payload;
  PublishOptions options;
  Properties properties;  // the caller's, plus Response Topic and Correlation Data
};

class Requests {
 public:
  Requests();

  /// A correlation data value never handed out before by this client: 8 random bytes chosen
  /// once per client, then a counter.
  std::string next_correlation();
  /// The response topic for a connection: `<response information>/<random>` when the broker
  /// gave Response Information, else `<prefix>/<client id>/<random>` (wildcards and slashes
  /// of the client id replaced by '_').
  std::string topic_for(std::string_view response_information, std::string_view prefix,
                        std::string_view client_id) const;

  /// Whether request() was ever used: the subscription is then kept up across connections.
  bool in_use() const { return used; }

  std::unordered_map<std::string, PendingResponse> pending;  // by correlation data
  std::string topic;             // the response topic of this connection
  std::string subscribed_topic;  // what the broker holds a subscription for (empty: none)
  bool subscribing = false;      // a SUBSCRIBE for `topic` waits for its SUBACK
  bool used = false;

 private:
  std::string random_;  // 8 bytes
  std::uint64_t counter_ = 0;
};

}  // namespace portmqtt::detail
