// Request/response with MQTT 5: the request carries a Response Topic and Correlation Data, and
// the responder publishes its answer to that topic with the same Correlation Data.
//
//   request_response ask   [mqtt://host:port] [question]  (prints the answer, exits)
//   request_response serve [mqtt://host:port] [count]     (answers count requests; 0 = forever)
//
// Requests go to portmqtt/example/request; the responder answers with the question in upper
// case. Several requesters can share one responder: each listens on its own response topic.
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <string_view>
#include <thread>

#include "portmqtt/client.hpp"

namespace {

constexpr std::string_view kRequestTopic = "portmqtt/example/request";
constexpr auto kTimeout = std::chrono::seconds(5);

portmqtt::Config config_for(const std::string& uri, const std::string& client_id) {
  return portmqtt::Config{
      .broker = {.uri = uri},
      .credentials = {.client_id = client_id},
      .session = {.protocol_version = portmqtt::ProtocolVersion::v5},  // properties need v5
  };
}

void print_errors(portmqtt::Client& client) {
  client.on_error([](const portmqtt::Error& e) {
    std::fprintf(stderr, "request_response: %s: %s\n", e.where.c_str(), e.error.message().c_str());
  });
}

int ask(const std::string& uri, const std::string& question) {
  // The response topic is ours alone; the correlation data tells this request's answer from
  // any other (here it is a counter, in general anything up to 65,535 bytes).
  const std::string client_id = "portmqtt-example-ask-" + std::to_string(::getpid());
  const std::string response_topic = "portmqtt/example/response/" + client_id;
  const std::string correlation = "request-1";

  portmqtt::Client client{config_for(uri, client_id)};
  print_errors(client);
  std::promise<std::string> answer;
  std::atomic<bool> answered{false};

  client.on_message([&](const portmqtt::MessageReceived& m) {
    if (m.properties.text(portmqtt::PropertyId::correlation_data) != correlation) return;
    if (!answered.exchange(true)) answer.set_value(std::string{m.payload});
  });
  // Subscribe to the response topic first, and send the request once the broker confirmed
  // the subscription, so the answer cannot arrive before anyone listens for it.
  client.on_connected([&](const portmqtt::Connected&) {
    client.subscribe(
        response_topic, {.qos = portmqtt::QoS::at_least_once}, {},
        [&](std::error_code ec, const portmqtt::SubscribeResult&) {
          if (ec) {
            std::fprintf(stderr, "request_response: subscribe: %s\n", ec.message().c_str());
            return;
          }
          portmqtt::Properties request;
          request.add(portmqtt::PropertyId::response_topic, response_topic);
          request.add(portmqtt::PropertyId::correlation_data, correlation);
          auto sent = client.publish(kRequestTopic, question, {.qos = portmqtt::QoS::at_least_once},
                                     request);
          if (!sent) {
            std::fprintf(stderr, "request_response: publish: %s\n", sent.error().message().c_str());
          }
        });
  });

  if (auto ec = client.start()) {
    std::fprintf(stderr, "request_response: cannot start: %s\n", ec.message().c_str());
    return 1;
  }
  auto future = answer.get_future();
  if (future.wait_for(kTimeout) != std::future_status::ready) {
    client.stop(portmqtt::discard);
    std::fprintf(stderr, "request_response: no answer within 5 s (is a responder running?)\n");
    return 1;
  }
  std::printf("%s\n", future.get().c_str());
  client.stop();
  return 0;
}

int serve(const std::string& uri, long count) {
  const std::string client_id = "portmqtt-example-serve-" + std::to_string(::getpid());
  portmqtt::Client client{config_for(uri, client_id)};
  print_errors(client);
  std::atomic<long> served{0};

  client.on_connected([&](const portmqtt::Connected&) {
    std::printf("serving requests on %.*s\n", static_cast<int>(kRequestTopic.size()),
                kRequestTopic.data());
    std::fflush(stdout);
    auto id = client.subscribe(kRequestTopic, {.qos = portmqtt::QoS::at_least_once});
    if (!id)
      std::fprintf(stderr, "request_response: subscribe: %s\n", id.error().message().c_str());
  });
  client.on_message([&](const portmqtt::MessageReceived& m) {
    const auto response_topic = m.properties.text(portmqtt::PropertyId::response_topic);
    if (!response_topic || !m.is_first_fragment() || !m.is_last_fragment()) return;
    std::string reply{m.payload};
    std::transform(reply.begin(), reply.end(), reply.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    // Echo the correlation data untouched, whatever it holds.
    portmqtt::Properties properties;
    if (auto correlation = m.properties.text(portmqtt::PropertyId::correlation_data)) {
      properties.add(portmqtt::PropertyId::correlation_data, *correlation);
    }
    auto sent =
        client.publish(*response_topic, reply, {.qos = portmqtt::QoS::at_least_once}, properties);
    if (!sent) {
      std::fprintf(stderr, "request_response: reply: %s\n", sent.error().message().c_str());
      return;
    }
    ++served;
  });

  if (auto ec = client.start()) {
    std::fprintf(stderr, "request_response: cannot start: %s\n", ec.message().c_str());
    return 1;
  }
  while (count == 0 || served < count)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  client.stop();  // delivers the last replies first
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const std::string uri = argc > 2 ? argv[2] : "mqtt://127.0.0.1:1883";
  if (mode == "ask") return ask(uri, argc > 3 ? argv[3] : "hello");
  if (mode == "serve") return serve(uri, argc > 3 ? std::atol(argv[3]) : 0);
  std::fprintf(stderr,
               "usage: request_response ask [mqtt://host:port] [question]\n"
               "       request_response serve [mqtt://host:port] [count]\n");
  return 2;
}
