// The session settings of clients made from one shared Config: one object for all of them
// while any is alive, a new one for other credentials or another Config, never an old one for
// a Config that ended (even when a new Config gets its address).
#include "client/shared_session_config.hpp"

#include <gtest/gtest.h>

namespace portmqtt::detail {
namespace {

Target target_with(std::optional<std::string> username) {
  Target t;
  t.username = std::move(username);
  return t;
}

TEST(SharedSessionConfigCache, OneConfigurationGivesOneSessionConfigWhileItIsUsed) {
  Config config;
  config.credentials.client_id = "fleet";
  config.session.keep_alive = Seconds{30};
  const auto shared = std::make_shared<const Config>(config);

  const auto a = shared_session_config(shared, target_with("u"));
  const auto b = shared_session_config(shared, target_with("u"));
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a->client_id, "fleet");
  EXPECT_EQ(a->keep_alive_s, 30);
  EXPECT_EQ(a->username, "u");

  // Other credentials: settings of their own.
  const auto c = shared_session_config(shared, target_with("v"));
  EXPECT_NE(c.get(), a.get());
  EXPECT_EQ(c->username, "v");

  // An equal but separate Config is not the same configuration.
  const auto other = std::make_shared<const Config>(config);
  const auto d = shared_session_config(other, target_with("u"));
  EXPECT_NE(d.get(), a.get());
}

TEST(SharedSessionConfigCache, AnEndedConfigurationIsNeverMatchedAgain) {
  Config first;
  first.session.keep_alive = Seconds{10};
  auto shared = std::make_shared<const Config>(first);
  const void* address = shared.get();
  auto made = shared_session_config(shared, {});
  EXPECT_EQ(made->keep_alive_s, 10);
  made.reset();
  shared.reset();

  // New configurations, some of which may land at the old address: each gets its own values.
  for (int i = 0; i < 20; ++i) {
    Config next;
    next.session.keep_alive = Seconds{11 + i};
    const auto again = std::make_shared<const Config>(next);
    const auto settings = shared_session_config(again, {});
    EXPECT_EQ(settings->keep_alive_s, 11 + i) << (again.get() == address ? "reused address" : "");
  }
}

}  // namespace
}  // namespace portmqtt::detail
