// A C++ program built against an installed portmqtt through find_package(portmqtt) and
// portmqtt::portmqtt alone (which must bring the include path and C++20). It uses the public
// API across the library boundary: error codes compared with portmqtt::errc (one category
// object on both sides), Properties, and a client whose connection to a refusing loopback
// port ends in an Error event with ECONNREFUSED.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <future>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>

#include "portmqtt/client.hpp"
#include "refused_port.h"

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      return 1;                                                                     \
    }                                                                               \
  } while (0)

namespace {

// The first Error event, handed from the loop thread to main().
class FirstError {
 public:
  void set(const portmqtt::Error& error) {
    std::call_once(once_, [&] { promise_.set_value(error); });
  }
  std::future<portmqtt::Error> future() { return promise_.get_future(); }

 private:
  std::once_flag once_;
  std::promise<portmqtt::Error> promise_;
};

}  // namespace

int main() {
  CHECK(std::string_view(portmqtt::category().name()) == "portmqtt");

  portmqtt::Properties properties;
  properties.add(portmqtt::PropertyId::content_type, "text/plain");
  CHECK(properties.text(portmqtt::PropertyId::content_type) == "text/plain");

  std::uint16_t port = 0;
  const int refused_fd = refused_port_open(&port);
  CHECK(refused_fd >= 0);
  portmqtt::Config config;
  config.broker.uri = "mqtt://127.0.0.1:" + std::to_string(port);
  config.network.reconnect.enabled = false;
  portmqtt::Client client(config);

  // Subscribing needs a connection; the code compares equal to the enum from this side.
  const auto subscribed = client.subscribe("packaging/topic");
  CHECK(!subscribed.has_value());
  CHECK(subscribed.error() == portmqtt::errc::not_connected);

  FirstError first_error;
  auto error_future = first_error.future();
  client.on_error([&](const portmqtt::Error& error) { first_error.set(error); });
  CHECK(!client.start());
  CHECK(error_future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  const portmqtt::Error error = error_future.get();
  CHECK(error.kind == portmqtt::ErrorKind::transport);
  CHECK(error.error == std::errc::connection_refused);
  CHECK(error.system_errno == ECONNREFUSED);

  CHECK(!client.stop());
  CHECK(client.state() == portmqtt::ConnectionState::stopped);
  close(refused_fd);
  std::puts("cpp_api_client: ok");
  return 0;
}
