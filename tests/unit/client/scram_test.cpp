// ScramAuthenticator against the published test vectors: RFC 7677 §3 (SCRAM-SHA-256) and
// RFC 5802 §5 (SCRAM-SHA-1), with the client nonce injected; then the ways a broker can fail
// the exchange.
#include <gtest/gtest.h>

#include "portmqtt/auth.hpp"

namespace portmqtt {
namespace {

// RFC 7677 §3: user "user", password "pencil".
constexpr std::string_view kNonce256 = "rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kClientFirst256 = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerFirst256 =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinal256 =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerFinal256 = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramAuthenticator rfc7677(ScramOptions options = {}) {
  options.nonce = [] { return std::string{kNonce256}; };
  return ScramAuthenticator{"user", "pencil", std::move(options)};
}

TEST(Scram, Rfc7677Sha256Vector) {
  auto scram = rfc7677();
  EXPECT_EQ(scram.method(), "SCRAM-SHA-256");
  auto first = scram.initial_data(false);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(*first, kClientFirst256);
  auto final_message = scram.continue_authentication(kServerFirst256);
  ASSERT_TRUE(final_message) << final_message.error().message();
  EXPECT_EQ(*final_message, kClientFinal256);
  EXPECT_FALSE(scram.finish(kServerFinal256));
}

TEST(Scram, Rfc5802Sha1Vector) {
  ScramOptions options{.hash = ScramHash::sha1};
  options.nonce = [] { return std::string{"fyko+d2lbbFgONRv9qkxdawL"}; };
  ScramAuthenticator scram{"user", "pencil", std::move(options)};
  EXPECT_EQ(scram.method(), "SCRAM-SHA-1");
  EXPECT_EQ(*scram.initial_data(false), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  auto final_message = scram.continue_authentication(
      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
  ASSERT_TRUE(final_message) << final_message.error().message();
  EXPECT_EQ(*final_message,
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  EXPECT_FALSE(scram.finish("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
}

TEST(Scram, AWrongServerSignatureIsRefused) {
  auto scram = rfc7677();
  (void)scram.initial_data(false);
  (void)scram.continue_authentication(kServerFirst256);
  // One character changed: a broker that does not know the password cannot make the right one.
  EXPECT_EQ(scram.finish("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
            auth_errc::server_signature_invalid);
}

TEST(Scram, ServerErrorsAndMalformedMessagesAreRefused) {
  auto scram = rfc7677();
  (void)scram.initial_data(false);
  (void)scram.continue_authentication(kServerFirst256);
  EXPECT_EQ(scram.finish("e=invalid-proof"), auth_errc::server_error);
  (void)scram.initial_data(false);
  EXPECT_EQ(
      scram.continue_authentication("r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096").error(),
      auth_errc::nonce_mismatch);
  (void)scram.initial_data(false);
  EXPECT_EQ(scram.continue_authentication("r=rOprNGfwEbeRWgbNEkqOxyz,i=4096").error(),
            auth_errc::malformed_server_message);
  (void)scram.initial_data(false);
  EXPECT_EQ(
      scram.continue_authentication("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000")
          .error(),
      auth_errc::iteration_count_out_of_range);
  EXPECT_EQ(scram.finish(kServerFinal256), auth_errc::unexpected_step);
}

TEST(Scram, TheServerFinalMessageIsMandatory) {
  auto scram = rfc7677();
  (void)scram.initial_data(false);
  (void)scram.continue_authentication(kServerFirst256);
  EXPECT_EQ(scram.finish(""), auth_errc::malformed_server_message);
  // And finish() before the server-first message proves nothing.
  (void)scram.initial_data(false);
  EXPECT_EQ(scram.finish(kServerFinal256), auth_errc::unexpected_step);
}

TEST(Scram, NonAsciiCredentialsAreRefusedAndNamesEscaped) {
  ScramAuthenticator accented{"user", "p\xC3\xA9ncil"};
  EXPECT_EQ(accented.initial_data(false).error(), auth_errc::not_printable_ascii);
  ScramOptions options;
  options.nonce = [] { return std::string{"abc"}; };
  ScramAuthenticator odd{"a,b=c", "pencil", std::move(options)};
  EXPECT_EQ(*odd.initial_data(false), "n,,n=a=2Cb=3Dc,r=abc");
}

TEST(Scram, EachExchangeTakesAFreshRandomNonce) {
  ScramAuthenticator scram{"user", "pencil"};
  const std::string a = *scram.initial_data(false);
  const std::string b = *scram.initial_data(true);
  EXPECT_TRUE(a.starts_with("n,,n=user,r="));
  EXPECT_EQ(a.size(), std::string_view{"n,,n=user,r="}.size() + 32);  // 24 bytes in base64
  EXPECT_NE(a, b);
}

TEST(Scram, Sha512NamesItsMethod) {
  EXPECT_EQ((ScramAuthenticator{"u", "p", {.hash = ScramHash::sha512}}.method()), "SCRAM-SHA-512");
}

}  // namespace
}  // namespace portmqtt
