// Client::request(): MQTT 5 request/response over the response topic of this client (§4.10).
#include "client/requests.hpp"

#include <random>

#include <boost/asio/post.hpp>

#include "client/convert.hpp"
#include "client/runtime.hpp"

namespace portmqtt {
namespace detail {

Requests::Requests() {
  std::random_device device;
  std::uint64_t bits = (std::uint64_t{device()} << 32) ^ device();
  random_.resize(8);
  for (char& c : random_) {
    c = static_cast<char>(bits & 0xFF);
    bits >>= 8;
  }
}

std::string Requests::next_correlation() {
  std::string data = random_;
  std::uint64_t n = ++counter_;
  for (int i = 0; i < 8; ++i) {
    data.push_back(static_cast<char>(n & 0xFF));
    n >>= 8;
  }
  return data;
}

std::string Requests::topic_for(std::string_view response_information, std::string_view prefix,
                                std::string_view client_id) const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string suffix;
  for (char c : random_) {
    suffix.push_back(kHex[(static_cast<unsigned char>(c) >> 4) & 0xF]);
    suffix.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
  }
  if (!response_information.empty()) {
    std::string t{response_information};
    if (t.back() != '/') t.push_back('/');
    return t + suffix;
  }
  std::string t{prefix};
  if (!client_id.empty()) {
    t.push_back('/');
    for (char c : client_id)
      t.push_back(c == '/' || c == '+' || c == '#' ? '_' : c);
  }
  return t + "/" + suffix;
}

}  // namespace detail

namespace {

bool has_request_properties(const Properties& props) {
  return props.find(PropertyId::response_topic) != nullptr ||
         props.find(PropertyId::correlation_data) != nullptr;
}

}  // namespace

void Client::start_request(std::string_view topic, std::string_view payload, Milliseconds timeout,
                           PublishOptions options, const Properties& properties,
                           detail::Callback<RequestSignature> done) {
  impl_->request(topic, payload, timeout, options, properties, std::move(done));
}

void Client::Impl::request(std::string_view topic, std::string_view payload, Milliseconds timeout,
                           PublishOptions options, const Properties& props,
                           detail::RequestDone done) {
  detail::MutexLock lock(mutex);
  std::error_code error;
  if (!accepting_locked()) {
    error = errc::not_started;
  } else if (config->session.protocol_version != ProtocolVersion::v5) {
    error = errc::not_supported_by_version;
  } else if (has_request_properties(props)) {
    error = errc::invalid_argument;
  } else if (!connected_locked()) {
    error = errc::not_connected;
  }
  if (error) {
    lock.unlock();
    return done(error, Message{});
  }
  if (!requests) {
    // The first request of this client: until now no request state was held (idle clients
    // pay nothing for the feature).
    requests = std::make_unique<detail::Requests>();
    requests->topic = requests->topic_for(
        response_information, config->request_response.response_topic_prefix, session.client_id());
  }
  requests->used = true;
  std::string correlation = requests->next_correlation();
  detail::PendingResponse entry;
  entry.done = std::move(done);
  entry.topic = topic;
  entry.payload = payload;
  entry.options = options;
  entry.properties = props;
  entry.properties.add(PropertyId::response_topic, requests->topic);
  entry.properties.add(PropertyId::correlation_data, correlation);
  entry.timer = std::make_unique<boost::asio::steady_timer>(strand);
  entry.timer->expires_after(timeout);
  entry.timer->async_wait([weak = weak_from_this(), correlation](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->assert_on_strand();
      self->end_request(correlation, make_error_code(delivery_errc::timed_out));
    }
  });
  const bool ready_to_send = requests->subscribed_topic == requests->topic;
  entry.sent = ready_to_send;
  auto& stored = requests->pending.emplace(correlation, std::move(entry)).first->second;
  if (!ready_to_send) {
    if (auto ec = subscribe_responses_locked()) {
      // `ready` belongs to the loop: these complete here, on the caller's thread.
      std::vector<detail::Ready> failed;
      fail_waiting_requests_locked(ec, failed);
      lock.unlock();
      for (detail::Ready& f : failed)
        f();
    }
    return;  // sent by the SUBACK
  }
  // Copies: the entry may end (timeout on the loop) as soon as the lock is released.
  std::string t = stored.topic, p = stored.payload;
  Properties with_ids = stored.properties;
  lock.unlock();
  send_request(correlation, t, p, options, with_ids);
}

void Client::Impl::send_request(const std::string& correlation, std::string_view topic,
                                std::string_view payload, PublishOptions options,
                                const Properties& props) {
  detail::PublishDone sent = [weak = weak_from_this(), correlation](std::error_code ec,
                                                                    PublishResult) {
    if (!ec) return;
    if (auto self = weak.lock()) self->end_request(correlation, ec);
  };
  auto accepted = publish(topic, payload, options, props, true, &sent);
  if (!accepted) end_request(correlation, accepted.error());
}

void Client::Impl::end_request(const std::string& correlation, std::error_code error) {
  detail::PendingResponse entry;
  {
    detail::MutexLock lock(mutex);
    if (!requests) return;
    auto it = requests->pending.find(correlation);
    if (it == requests->pending.end()) return;  // ended already
    entry = std::move(it->second);
    requests->pending.erase(it);
  }
  retire_timer(std::move(entry.timer));
  entry.done(error, Message{});
}

void Client::Impl::retire_timer(std::unique_ptr<boost::asio::steady_timer> timer) {
  // A timer is touched only on the loop (Asio timers are not thread-safe), and this may run
  // on a caller's thread: cancel and destroy it there.
  if (!timer) return;
  boost::asio::post(strand, [timer = std::shared_ptr<boost::asio::steady_timer>(std::move(timer))] {
    timer->cancel();
  });
}

std::error_code Client::Impl::subscribe_responses_locked() {
  if (!requests || requests->subscribing || !connected_locked()) return {};
  codec::Subscription subscription;
  subscription.filter = requests->topic;
  subscription.options.max_qos = detail::to_codec(config->request_response.response_qos);
  auto result = session.subscribe({&subscription, 1}, {}, Clock::now());
  // The topic is ours and valid, so a failure is a broker limit (or the connection is
  // going): the requests waiting for it cannot go out.
  if (!result) return detail::to_public_error(result.error);
  requests->subscribing = true;
  const std::string subscribed = requests->topic;
  completions.rare().subscribes.insert_or_assign(
      result.packet_id, detail::SubscribeDone{[weak = weak_from_this(), subscribed](
                                                  std::error_code ec, SubscribeResult) {
        if (auto self = weak.lock()) self->on_responses_subscribed(subscribed, ec);
      }});
  wake();
  return {};
}

void Client::Impl::on_responses_subscribed(const std::string& topic, std::error_code ec) {
  struct Send {
    std::string correlation, topic, payload;
    PublishOptions options;
    Properties props;
  };
  std::vector<Send> to_send;
  {
    detail::MutexLock lock(mutex);
    if (!requests) return;
    requests->subscribing = false;
    if (topic != requests->topic) {
      // The connection changed the topic meanwhile: subscribe to the one in force.
      if (auto failed = subscribe_responses_locked()) fail_waiting_requests_locked(failed, ready);
      return;
    }
    if (ec == delivery_errc::session_lost || ec == delivery_errc::stopped) return;  // CONNACK
    if (ec) {
      fail_waiting_requests_locked(ec, ready);
    } else {
      requests->subscribed_topic = topic;
      for (auto& [correlation, entry] : requests->pending) {
        if (entry.sent) continue;
        entry.sent = true;
        to_send.push_back(
            {correlation, entry.topic, entry.payload, entry.options, entry.properties});
      }
    }
  }
  run_ready();
  for (Send& s : to_send)
    send_request(s.correlation, s.topic, s.payload, s.options, s.props);
}

void Client::Impl::fail_waiting_requests_locked(std::error_code error,
                                                std::vector<detail::Ready>& out) {
  if (!requests) return;
  for (auto it = requests->pending.begin(); it != requests->pending.end();) {
    if (it->second.sent) {
      ++it;
      continue;
    }
    retire_timer(std::move(it->second.timer));
    out.emplace_back(
        [done = std::move(it->second.done), error]() mutable { done(error, Message{}); });
    it = requests->pending.erase(it);
  }
}

void Client::Impl::requests_connected_locked(const session::Connected& connected) {
  response_information.clear();
  if (config->request_response.request_response_information) {
    if (auto text = connected.props.text(codec::PropertyId::response_information))
      response_information = *text;
  }
  if (!requests) return;  // made by the first request(), from what this connection said
  requests->topic = requests->topic_for(
      response_information, config->request_response.response_topic_prefix, session.client_id());
  if (!connected.session_present) requests->subscribed_topic.clear();
  if (requests->in_use() && requests->subscribed_topic != requests->topic) {
    if (auto failed = subscribe_responses_locked()) fail_waiting_requests_locked(failed, ready);
  }
}

bool Client::Impl::take_response_locked(const session::MessageReceived& m,
                                        const Properties& props) {
  if (!requests || requests->pending.empty() || m.publish.topic != requests->topic) return false;
  auto correlation = props.text(PropertyId::correlation_data);
  if (!correlation) return false;
  auto it = requests->pending.find(std::string{*correlation});
  if (it == requests->pending.end()) return false;
  retire_timer(std::move(it->second.timer));
  Message response{std::string{m.publish.topic}, std::string{m.publish.payload},
                   detail::from_codec(m.publish.qos), m.publish.retain, props};
  ready.emplace_back([done = std::move(it->second.done), response = std::move(response)]() mutable {
    done(std::error_code{}, std::move(response));
  });
  requests->pending.erase(it);
  // Taken by the request, so acknowledged here when the application acknowledges the rest.
  if (m.ack_id != 0) (void)session.ack(m.ack_id, codec::ReasonCode::success, {}, Clock::now());
  return true;
}

void Client::Impl::fail_requests_locked(std::error_code error) {
  if (!requests) return;
  for (auto& [correlation, entry] : requests->pending) {
    retire_timer(std::move(entry.timer));
    ready.emplace_back([done = std::move(entry.done), error]() mutable { done(error, Message{}); });
  }
  requests->pending.clear();
  requests->subscribed_topic.clear();
  requests->subscribing = false;
}

std::error_code Client::Impl::ack(AckHandle handle, ReasonCode reason, const Properties& props) {
  const codec::Properties codec_props = detail::to_codec_view(props);
  detail::MutexLock lock(mutex);
  if (!running_locked()) return errc::not_started;
  if (auto ec = session.ack(handle, detail::to_codec(reason), codec_props, Clock::now()))
    return detail::to_public_error(ec);
  lock.unlock();
  wake();
  return {};
}

}  // namespace portmqtt
