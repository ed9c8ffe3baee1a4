// Publishes one message over TLS with mutual authentication: the client checks the broker's
// certificate against a CA, and shows its own certificate to the broker.
//
//   tls_mutual mqtts://host:8883 ca.crt client.crt client.key [topic] [message]
//
// Exits 0 once the broker acknowledged the message; a TLS failure (unknown CA, wrong host
// name, certificate refused) ends the program with the reason instead of retrying.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include "portmqtt/client.hpp"

namespace {

// TlsConfig takes certificates and keys as bytes (PEM or DER); ca_file would also do for the CA.
std::optional<std::string> read_file(const char* path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return std::nullopt;
  return std::string{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: tls_mutual mqtts://host:port ca.crt client.crt client.key "
                 "[topic] [message]\n");
    return 2;
  }
  const std::string uri = argv[1];
  const std::string topic = argc > 5 ? argv[5] : "portmqtt/example/tls";
  const std::string message = argc > 6 ? argv[6] : "hello over mutual TLS";

  portmqtt::TlsConfig tls;
  const char* files[] = {argv[2], argv[3], argv[4]};
  std::string* fields[] = {&tls.ca_certificate, &tls.client_certificate, &tls.client_key};
  for (int i = 0; i < 3; ++i) {
    auto bytes = read_file(files[i]);
    if (!bytes) {
      std::fprintf(stderr, "tls_mutual: cannot read %s\n", files[i]);
      return 1;
    }
    *fields[i] = std::move(*bytes);
  }

  portmqtt::Client client{portmqtt::Config{
      .broker = {.uri = uri},
      .credentials = {.client_id = "portmqtt-example-tls"},
      .tls = std::move(tls),
  }};

  // The outcome of the first connection attempt: empty when connected, else the reason.
  std::promise<std::string> first_attempt;
  std::atomic<bool> decided{false};
  client.on_connected([&](const portmqtt::Connected&) {
    if (!decided.exchange(true)) first_attempt.set_value({});
  });
  client.on_error([&](const portmqtt::Error& e) {
    // Error::cause carries OpenSSL's words (e.g. "certificate verify failed").
    std::string reason = e.error.message();
    if (!e.cause.empty()) reason += " (" + e.cause + ")";
    if (!decided.exchange(true)) first_attempt.set_value(reason);
  });

  if (auto ec = client.start()) {
    std::fprintf(stderr, "tls_mutual: cannot start: %s\n", ec.message().c_str());
    return 1;
  }
  auto outcome = first_attempt.get_future();
  if (outcome.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    client.stop(portmqtt::discard);
    std::fprintf(stderr, "tls_mutual: no connection to %s within 10 s\n", uri.c_str());
    return 1;
  }
  if (auto reason = outcome.get(); !reason.empty()) {
    client.stop(portmqtt::discard);  // without this the client would keep retrying
    std::fprintf(stderr, "tls_mutual: %s: %s\n", uri.c_str(), reason.c_str());
    return 1;
  }

  try {
    client.publish(topic, message, {.qos = portmqtt::QoS::at_least_once}, portmqtt::use_future)
        .get();
  } catch (const portmqtt::DeliveryError& e) {
    client.stop(portmqtt::discard);
    std::fprintf(stderr, "tls_mutual: publish: %s\n", e.what());
    return 1;
  }
  std::printf("published over TLS to %s\n", uri.c_str());
  client.stop();
  return 0;
}
