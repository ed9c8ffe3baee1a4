// portmqtt::parse_uri and check_uri: the public face of the one URI reader, as the ESP facade
// and the tools use it.
#include "portmqtt/uri.hpp"

#include <gtest/gtest.h>

#include "portmqtt/error.hpp"

namespace portmqtt {
namespace {

TEST(PublicUri, SplitsABrokerUri) {
  UriParts parts;
  ASSERT_FALSE(parse_uri("WSS://us%40er:pw@[::1]:8443/mqtt?x=1", parts));
  EXPECT_EQ(parts.scheme, "wss");
  EXPECT_EQ(parts.username, std::optional<std::string>{"us@er"});
  EXPECT_EQ(parts.password, std::optional<std::string>{"pw"});
  EXPECT_EQ(parts.host, "::1");
  EXPECT_EQ(parts.port, std::optional<std::uint16_t>{8443});
  EXPECT_EQ(parts.path, "/mqtt?x=1");
}

TEST(PublicUri, ProblemsNameThePartTheTextAndThePublicError) {
  UriParts parts;
  parts.host = "kept";
  auto port = parse_uri("mqtt://h:99999", parts);
  ASSERT_TRUE(port.has_value());
  EXPECT_EQ(port->error, errc::invalid_uri);
  EXPECT_EQ(port->part, UriPart::port);
  EXPECT_EQ(port->text, "99999");
  EXPECT_EQ(port->position, 9u);
  EXPECT_EQ(parts.host, "kept");

  auto scheme = parse_uri("ftp://h", parts);
  ASSERT_TRUE(scheme.has_value());
  EXPECT_EQ(scheme->error, errc::unsupported_transport);
  EXPECT_EQ(scheme->part, UriPart::scheme);
  EXPECT_EQ(scheme->text, "ftp");

  auto escape = parse_uri("mqtt://u:p%zz@h", parts);
  ASSERT_TRUE(escape.has_value());
  EXPECT_EQ(escape->error, errc::invalid_uri);
  EXPECT_EQ(escape->part, UriPart::password);
  EXPECT_EQ(escape->text, "%zz");
  EXPECT_NE(escape->message.find("percent-encoding"), std::string::npos) << escape->message;
}

TEST(PublicUri, SchemeListsAreTheCallersChoice) {
  UriParts parts;
  ASSERT_FALSE(parse_uri("socks5h://proxy", parts, kProxyUriSchemes));
  EXPECT_EQ(parts.scheme, "socks5h");
  EXPECT_TRUE(parse_uri("socks5h://proxy", parts).has_value());  // not a broker scheme
  ASSERT_FALSE(parse_uri("anything://h", parts, {}));
  EXPECT_EQ(parts.scheme, "anything");
}

TEST(PublicUri, CheckUriIsTheBrokerRule) {
  EXPECT_FALSE(check_uri("mqtts://h").has_value());
  auto http = check_uri("http://h");
  ASSERT_TRUE(http.has_value());
  EXPECT_EQ(http->error, errc::unsupported_transport);
}

}  // namespace
}  // namespace portmqtt
