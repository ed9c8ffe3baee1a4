// Every portmqtt error category (one EnumCategory instance per layer) keeps the name and the
// messages users and logs compare: expected strings written out here, not computed.
#include <gtest/gtest.h>

#include <string>
#include <system_error>

#include "codec/errc.hpp"
#include "common/error_category.hpp"
#include "portmqtt/auth.hpp"
#include "portmqtt/completion.hpp"
#include "portmqtt/error.hpp"
#include "session/errc.hpp"
#include "store/errc.hpp"
#include "transport/errc.hpp"
#include "transport/proxy.hpp"
#include "transport/tls_errc.hpp"

namespace portmqtt {
namespace {

struct Expected {
  const std::error_category* category;
  const char* name;
  const char* first;    // message of value 1
  const char* unknown;  // message of a value no enum has
};

TEST(ErrorCategories, NamesAndMessagesAreUnchanged) {
  const Expected table[] = {
      {&category(), "portmqtt", "client not started", "unknown portmqtt error"},
      {&codec::codec_category(), "portmqtt.codec",
       "malformed variable byte integer (longer than 4 bytes or not minimal)",
       "unknown codec error"},
      {&session::session_category(), "portmqtt.session", "not connected", "unknown session error"},
      {&store::store_category(), "portmqtt.store", "outbox store is corrupt or not a database",
       "unknown outbox store error"},
      {&transport::transport_category(), "portmqtt.transport", "invalid URI",
       "unknown transport error"},
      {&transport::tls_category(), "portmqtt.tls",
       "TLS configuration not usable (certificate, key, password, cipher or PSK)",
       "unknown TLS error"},
      {&transport::proxy_category(), "portmqtt.proxy",
       "invalid proxy URI (use http://, socks5:// or socks5h://host:port)", "unknown proxy error"},
      {&auth_category(), "portmqtt.auth",
       "SCRAM: the user name or password is not printable ASCII (SASLprep is not implemented)",
       "unknown authentication error"},
      {&delivery_category(), "portmqtt.delivery", "refused by the broker",
       "unknown delivery error"},
  };
  for (const Expected& e : table) {
    EXPECT_STREQ(e.category->name(), e.name);
    EXPECT_EQ(e.category->message(1), e.first) << e.name;
    EXPECT_EQ(e.category->message(9999), e.unknown) << e.name;
    // No category maps its values onto portable conditions: each is its own.
    EXPECT_EQ(e.category->default_error_condition(1), std::error_condition(1, *e.category));
  }
}

enum class Sample { ok = 0, lost = 1, late = 2 };

std::string describe(Sample value) {
  return value == Sample::lost ? "lost" : "late";
}

std::error_condition condition_of(Sample value) noexcept {
  if (value == Sample::late) return std::make_error_condition(std::errc::timed_out);
  return {};
}

TEST(EnumCategory, AnEquivalenceMapsOnlyTheValuesItNames) {
  static const detail::EnumCategory<Sample> plain{"sample", describe};
  static const detail::EnumCategory<Sample> mapped{"sample", describe, condition_of};
  EXPECT_STREQ(plain.name(), "sample");
  EXPECT_EQ(plain.message(1), "lost");
  EXPECT_EQ(std::error_code(2, mapped), std::errc::timed_out);
  EXPECT_NE(std::error_code(2, plain), std::errc::timed_out);
  EXPECT_EQ(mapped.default_error_condition(1), std::error_condition(1, mapped));
}

}  // namespace
}  // namespace portmqtt
