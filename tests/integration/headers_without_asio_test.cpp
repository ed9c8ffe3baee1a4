// The public headers, portmqtt/asio.hpp aside, bring no Asio (nor any Boost header) into a
// program that uses callbacks or portmqtt's own tokens: this file fails to compile otherwise.
#include <gtest/gtest.h>

#include "portmqtt/client.hpp"
#include "portmqtt/completion.hpp"
#include "portmqtt/config.hpp"
#include "portmqtt/error.hpp"
#include "portmqtt/event.hpp"
#include "portmqtt/event_loop.hpp"
#include "portmqtt/log.hpp"
#include "portmqtt/message.hpp"
#include "portmqtt/packet_trace.hpp"
#include "portmqtt/properties.hpp"
#include "portmqtt/reason_code.hpp"
#include "portmqtt/version.h"

#if defined(BOOST_ASIO_VERSION) || defined(ASIO_VERSION) || defined(BOOST_VERSION)
#error "a public header other than portmqtt/asio.hpp includes Asio or Boost"
#endif

namespace portmqtt::test {
namespace {

// A callable that names an executor is an Asio handler with a binding (bind_executor): without
// portmqtt/asio.hpp it is refused at compile time rather than run with its binding ignored.
struct BoundHandler {
  using executor_type = int;
  void operator()(std::error_code, PublishResult) {}
};
struct Plain {
  void operator()(std::error_code, PublishResult) {}
};
// Asio's callable tokens (use_future, deferred) return something from their call.
struct ReturnsSomething {
  int operator()(std::error_code, PublishResult) { return 0; }
};

TEST(HeadersWithoutAsio, CallbacksAreTokensAndBoundHandlersAreNot) {
  EXPECT_TRUE((CompletionToken<Plain, PublishSignature>));
  EXPECT_FALSE((CompletionToken<BoundHandler, PublishSignature>));
  EXPECT_FALSE((CompletionToken<ReturnsSomething, PublishSignature>));
  EXPECT_TRUE((CompletionToken<use_future_t, PublishSignature>));
  EXPECT_TRUE((CompletionToken<use_awaitable_t, VoidSignature>));
}

}  // namespace
}  // namespace portmqtt::test
