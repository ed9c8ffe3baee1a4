// Broker URI rules (ESP-MQTT §4.8): schemes, userinfo, host forms, ports, path and query.
#include "transport/uri.hpp"

#include <gtest/gtest.h>

#include "transport/errc.hpp"

namespace portmqtt::transport {
namespace {

Uri parse_ok(std::string_view text) {
  Uri uri;
  std::error_code ec = parse_uri(text, uri);
  EXPECT_FALSE(ec) << text << ": " << ec.message();
  return uri;
}

std::error_code parse_error(std::string_view text) {
  Uri uri;
  return parse_uri(text, uri);
}

TEST(Uri, PlainMqttHostGetsNoPortAndDefault1883) {
  Uri uri = parse_ok("mqtt://broker.local");
  EXPECT_EQ(uri.scheme, Scheme::mqtt);
  EXPECT_EQ(uri.host, "broker.local");
  EXPECT_FALSE(uri.port.has_value());
  EXPECT_EQ(uri.port_or_default(), 1883);
  EXPECT_FALSE(uri.username.has_value());
  EXPECT_FALSE(uri.password.has_value());
  EXPECT_EQ(uri.path, "");
}

TEST(Uri, DefaultPortsPerScheme) {
  EXPECT_EQ(parse_ok("mqtt://h").port_or_default(), 1883);
  EXPECT_EQ(parse_ok("mqtts://h").port_or_default(), 8883);
  EXPECT_EQ(parse_ok("ws://h").port_or_default(), 80);
  EXPECT_EQ(parse_ok("wss://h").port_or_default(), 443);
}

TEST(Uri, SchemesAreCaseInsensitive) {
  EXPECT_EQ(parse_ok("MQTT://h").scheme, Scheme::mqtt);
  EXPECT_EQ(parse_ok("MqTtS://h").scheme, Scheme::mqtts);
  EXPECT_EQ(parse_ok("WS://h").scheme, Scheme::ws);
  EXPECT_EQ(parse_ok("wSs://h").scheme, Scheme::wss);
}

TEST(Uri, ExplicitPortWins) {
  Uri uri = parse_ok("mqtts://h:1234");
  EXPECT_EQ(uri.port, std::optional<std::uint16_t>{1234});
  EXPECT_EQ(uri.port_or_default(), 1234);
  EXPECT_EQ(parse_ok("mqtt://h:65535").port, std::optional<std::uint16_t>{65535});
  EXPECT_EQ(parse_ok("mqtt://h:1").port, std::optional<std::uint16_t>{1});
}

TEST(Uri, EmptyPortMeansDefault) {
  Uri uri = parse_ok("mqtt://h:");
  EXPECT_FALSE(uri.port.has_value());
  EXPECT_EQ(uri.port_or_default(), 1883);
}

TEST(Uri, UserAndPassword) {
  Uri uri = parse_ok("mqtt://alice:s3cret@h");
  EXPECT_EQ(uri.username, std::optional<std::string>{"alice"});
  EXPECT_EQ(uri.password, std::optional<std::string>{"s3cret"});
  EXPECT_EQ(uri.host, "h");
}

TEST(Uri, UserWithoutPassword) {
  Uri uri = parse_ok("mqtt://alice@h:1884");
  EXPECT_EQ(uri.username, std::optional<std::string>{"alice"});
  EXPECT_FALSE(uri.password.has_value());
  EXPECT_EQ(uri.port, std::optional<std::uint16_t>{1884});
}

TEST(Uri, EmptyPasswordIsPresentButEmpty) {
  Uri uri = parse_ok("mqtt://alice:@h");
  EXPECT_EQ(uri.username, std::optional<std::string>{"alice"});
  EXPECT_EQ(uri.password, std::optional<std::string>{""});
}

TEST(Uri, UserInfoIsPercentDecoded) {
  // %40 '@', %3A ':', %2F '/', %25 '%', %20 ' ', %00 NUL
  Uri uri = parse_ok("mqtt://us%40er%3Ax:p%2Fa%25s%20s%00!@h");
  EXPECT_EQ(uri.username, std::optional<std::string>{"us@er:x"});
  EXPECT_EQ(uri.password, (std::optional<std::string>{std::string{"p/a%s s\0!", 9}}));
}

TEST(Uri, BadPercentEscapeInUserInfoIsItsOwnError) {
  EXPECT_EQ(parse_error("mqtt://us%4:pw@h"), errc::bad_percent_encoding);
  EXPECT_EQ(parse_error("mqtt://user:pw%zz@h"), errc::bad_percent_encoding);
  EXPECT_EQ(parse_error("mqtt://user:pw%@h"), errc::bad_percent_encoding);
}

TEST(Uri, Ipv4Literal) {
  Uri uri = parse_ok("mqtt://127.0.0.1:1883");
  EXPECT_EQ(uri.host, "127.0.0.1");
  EXPECT_EQ(uri.port, std::optional<std::uint16_t>{1883});
}

TEST(Uri, Ipv6LiteralLosesItsBrackets) {
  Uri uri = parse_ok("mqtt://[::1]:1884");
  EXPECT_EQ(uri.host, "::1");
  EXPECT_EQ(uri.port, std::optional<std::uint16_t>{1884});
  EXPECT_EQ(parse_ok("ws://u:p@[fe80::1:2]/mqtt").host, "fe80::1:2");
}

TEST(Uri, PathIsKept) {
  EXPECT_EQ(parse_ok("ws://h/mqtt").path, "/mqtt");
  EXPECT_EQ(parse_ok("ws://h:8080/a/b").path, "/a/b");
  EXPECT_EQ(parse_ok("ws://h/").path, "/");
}

TEST(Uri, PathAndQueryAreJoined) {
  EXPECT_EQ(parse_ok("wss://h/mqtt?token=abc&x=1").path, "/mqtt?token=abc&x=1");
}

TEST(Uri, QueryWithoutPathGetsSlash) {
  EXPECT_EQ(parse_ok("ws://h?x=1").path, "/?x=1");
}

TEST(Uri, PathStaysPercentEncoded) {
  EXPECT_EQ(parse_ok("ws://h/a%20b").path, "/a%20b");
}

TEST(Uri, FragmentIsIgnored) {
  Uri uri = parse_ok("ws://h/p#frag");
  EXPECT_EQ(uri.path, "/p");
}

TEST(Uri, HostNameIsDecoded) {
  EXPECT_EQ(parse_ok("mqtt://my%2Dhost").host, "my-host");
}

TEST(Uri, UnknownSchemes) {
  EXPECT_EQ(parse_error("http://h"), errc::unsupported_scheme);
  EXPECT_EQ(parse_error("tcp://h:1883"), errc::unsupported_scheme);
  EXPECT_EQ(parse_error("mqttx://h"), errc::unsupported_scheme);
}

TEST(Uri, MissingHost) {
  EXPECT_EQ(parse_error("mqtt://"), errc::missing_host);
  EXPECT_EQ(parse_error("mqtt://:1883"), errc::missing_host);
  EXPECT_EQ(parse_error("mqtt://user:pw@"), errc::missing_host);
  EXPECT_EQ(parse_error("mqtt:///path"), errc::missing_host);
}

TEST(Uri, InvalidPorts) {
  EXPECT_EQ(parse_error("mqtt://h:0"), errc::invalid_port);
  EXPECT_EQ(parse_error("mqtt://h:65536"), errc::invalid_port);
  EXPECT_EQ(parse_error("mqtt://h:99999999999"), errc::invalid_port);
}

TEST(Uri, Malformed) {
  EXPECT_EQ(parse_error(""), errc::invalid_uri);
  EXPECT_EQ(parse_error("broker.local"), errc::invalid_uri);
  EXPECT_EQ(parse_error("mqtt:broker.local"), errc::invalid_uri);  // no "//" authority
  EXPECT_EQ(parse_error("mqtt://h:12ab"), errc::invalid_uri);
  EXPECT_EQ(parse_error("mqtt://h h"), errc::invalid_uri);
  EXPECT_EQ(parse_error("mqtt://[::1"), errc::invalid_uri);
  EXPECT_EQ(parse_error("mqtt://[v1.x]"), errc::invalid_uri);  // IPvFuture
  EXPECT_EQ(parse_error("://h"), errc::invalid_uri);
}

UriDiagnostic diagnose(std::string_view text) {
  Uri uri;
  UriDiagnostic why;
  EXPECT_TRUE(parse_uri(text, uri, &why)) << text;
  return why;
}

TEST(UriDiagnostic, SaysWhichPartIsWrongAndWhere) {
  UriDiagnostic scheme = diagnose("broker.local:1883");
  EXPECT_EQ(scheme.position, 0u);
  EXPECT_NE(scheme.message.find("missing scheme"), std::string::npos) << scheme.message;

  UriDiagnostic port = diagnose("mqtt://broker.local:99999");
  EXPECT_EQ(port.position, 20u);  // the first '9'
  EXPECT_NE(port.message.find("port 99999"), std::string::npos) << port.message;
  EXPECT_NE(port.message.find("1..65535"), std::string::npos) << port.message;
  EXPECT_NE(port.message.find("position 20"), std::string::npos) << port.message;

  UriDiagnostic escape = diagnose("mqtt://us%zzer@h");
  EXPECT_EQ(escape.position, 9u);  // the '%'
  EXPECT_NE(escape.message.find("percent-encoding"), std::string::npos) << escape.message;

  UriDiagnostic http = diagnose("http://h");
  EXPECT_EQ(http.position, 0u);
  EXPECT_NE(http.message.find("'http'"), std::string::npos) << http.message;

  UriDiagnostic host = diagnose("mqtt://:1883");
  EXPECT_EQ(host.position, 7u);
  EXPECT_NE(host.message.find("missing host"), std::string::npos) << host.message;

  UriDiagnostic space = diagnose("mqtt://h h");
  EXPECT_EQ(space.position, 8u);
  EXPECT_NE(space.message.find("' '"), std::string::npos) << space.message;

  UriDiagnostic letters = diagnose("mqtt://h:12ab");
  EXPECT_EQ(letters.position, 9u);
  EXPECT_NE(letters.message.find("'12ab'"), std::string::npos) << letters.message;
}

TEST(UriDiagnostic, NamesThePartAndItsText) {
  struct Case {
    const char* uri;
    UriPart part;
    const char* text;
  };
  // A bad escape is shown as written, cut at the end of its part.
  const Case cases[] = {
      {"mqtt://h:99999", UriPart::port, "99999"},
      {"Foo://h", UriPart::scheme, "Foo"},
      {"h:1883", UriPart::scheme, ""},
      {"mqtt://u%@h", UriPart::username, "%"},
      {"mqtt://u:p%4@h", UriPart::password, "%4"},
      {"ws://h/a%zz", UriPart::path, "%zz"},
      {"mqtt://h:x", UriPart::port, "x"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.uri);
    const UriDiagnostic d = diagnose(c.uri);
    EXPECT_EQ(d.part, c.part);
    EXPECT_EQ(d.text, c.text);
  }
  EXPECT_EQ(diagnose("mqtt://[::1").part, UriPart::whole);
}

TEST(UriParts, OtherSchemeListsAndAnyScheme) {
  UriParts parts;
  ASSERT_FALSE(parse_uri_parts("SOCKS5H://u:p@proxy:1080", kProxySchemes, parts));
  EXPECT_EQ(parts.scheme, "socks5h");
  EXPECT_EQ(parts.username, std::optional<std::string>{"u"});
  EXPECT_EQ(parts.port, std::optional<std::uint16_t>{1080});
  UriDiagnostic why;
  EXPECT_EQ(parse_uri_parts("mqtt://h", kProxySchemes, parts, &why), errc::unsupported_scheme);
  EXPECT_NE(why.message.find("http://, socks5:// or socks5h://"), std::string::npos) << why.message;
  ASSERT_FALSE(parse_uri_parts("foo://h/p", {}, parts));
  EXPECT_EQ(parts.scheme, "foo");
  EXPECT_EQ(parts.path, "/p");
}

TEST(Uri, FailedParseLeavesOutputUntouched) {
  Uri uri;
  uri.host = "kept";
  EXPECT_TRUE(parse_uri("mqtt://h:0", uri));
  EXPECT_EQ(uri.host, "kept");
}

}  // namespace
}  // namespace portmqtt::transport
