// README block marked <!-- snippet: completions --> ("The C++ API"): statements that use a
// portmqtt::Client named client, among them a co_await. Adds the client and a minimal coroutine
// type to run them in (the program is compiled and linked, not run).
#include <coroutine>
#include <cstdio>
#include <exception>

#include "portmqtt/client.hpp"
// @includes

namespace {
struct Task {
  struct promise_type {
    Task get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
};

Task body(portmqtt::Client& client) {
  // @body
  co_return;
}
}  // namespace

int main() {
  portmqtt::Client client{portmqtt::Config{}};
  body(client);
}
