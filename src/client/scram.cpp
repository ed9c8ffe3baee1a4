// SCRAM (RFC 5802) as an MQTT 5 enhanced-authentication method, on OpenSSL's PBKDF2, HMAC and
// digests. The exchange is client-first -> server-first -> client-final -> server-final; the
// state between the steps is the client-first-message-bare, our nonce and the ServerSignature
// we expect.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <optional>
#include <vector>

#include "common/error_category.hpp"
#include "portmqtt/auth.hpp"

namespace portmqtt {
namespace {

using Bytes = std::vector<unsigned char>;

const EVP_MD* digest_of(ScramHash hash) {
  switch (hash) {
    case ScramHash::sha1:
      return EVP_sha1();
    case ScramHash::sha512:
      return EVP_sha512();
    case ScramHash::sha256:
      break;
  }
  return EVP_sha256();
}

std::string base64(const Bytes& in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), in.data(),
                                static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<Bytes> unbase64(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  Bytes out(in.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the bytes the '=' padding stands for.
  for (std::size_t i = in.size(); i > in.size() - 2 && in[i - 1] == '='; --i)
    --size;
  out.resize(size);
  return out;
}

bool printable_ascii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// RFC 5802 §5.1: saslname escapes ',' and '='.
std::string saslname(std::string_view user) {
  std::string out;
  for (char c : user) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<Bytes> hmac(const EVP_MD* md, const Bytes& key, std::string_view text) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (HMAC(md, key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data(),
           &size) == nullptr) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

std::optional<Bytes> hash(const EVP_MD* md, const Bytes& in) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (EVP_Digest(in.data(), in.size(), out.data(), &size, md, nullptr) != 1) return std::nullopt;
  out.resize(size);
  return out;
}

/// The value of attribute `name` at the front of `message` ("r=...,"), consuming it.
std::optional<std::string_view> take_attribute(std::string_view& message, char name) {
  if (message.size() < 2 || message[0] != name || message[1] != '=') return std::nullopt;
  const std::size_t end = message.find(',');
  std::string_view value = message.substr(2, end == std::string_view::npos ? end : end - 2);
  message.remove_prefix(end == std::string_view::npos ? message.size() : end + 1);
  return value;
}

std::string random_nonce() {
  Bytes raw(24);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return {};
  return base64(raw);  // no ',' in base64
}

constexpr std::string_view kGs2Header = "n,,";  // no channel binding, no authzid

}  // namespace

struct ScramAuthenticator::State {
  std::string username;
  std::string password;
  ScramOptions options;
  const EVP_MD* md = nullptr;

  std::string client_first_bare;  // set by initial_data(), cleared at the end
  std::string nonce;
  Bytes expected_server_signature;  // set by continue_authentication()

  void reset() {
    client_first_bare.clear();
    nonce.clear();
    OPENSSL_cleanse(expected_server_signature.data(), expected_server_signature.size());
    expected_server_signature.clear();
  }
};

ScramAuthenticator::ScramAuthenticator(std::string username, std::string password,
                                       ScramOptions options)
    : state_(std::make_unique<State>()) {
  state_->username = std::move(username);
  state_->password = std::move(password);
  state_->md = digest_of(options.hash);
  state_->options = std::move(options);
}

ScramAuthenticator::~ScramAuthenticator() {
  state_->reset();
  OPENSSL_cleanse(state_->password.data(), state_->password.size());
}

std::string ScramAuthenticator::method() const {
  switch (state_->options.hash) {
    case ScramHash::sha1:
      return "SCRAM-SHA-1";
    case ScramHash::sha512:
      return "SCRAM-SHA-512";
    case ScramHash::sha256:
      break;
  }
  return "SCRAM-SHA-256";
}

Result<std::string> ScramAuthenticator::initial_data(bool) {
  State& s = *state_;
  s.reset();
  if (!printable_ascii(s.username) || !printable_ascii(s.password))
    return make_error_code(auth_errc::not_printable_ascii);
  s.nonce = s.options.nonce ? s.options.nonce() : random_nonce();
  if (s.nonce.empty()) return make_error_code(auth_errc::crypto_failure);
  if (!printable_ascii(s.nonce) || s.nonce.find(',') != std::string::npos)
    return make_error_code(auth_errc::unexpected_step);  // a nonce RFC 5802 §7 does not allow
  s.client_first_bare = "n=" + saslname(s.username) + ",r=" + s.nonce;
  return std::string{kGs2Header} + s.client_first_bare;
}

Result<std::string> ScramAuthenticator::continue_authentication(std::string_view server_first) {
  State& s = *state_;
  if (s.client_first_bare.empty() || !s.expected_server_signature.empty())
    return make_error_code(auth_errc::unexpected_step);
  // server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," ext]
  std::string_view rest = server_first;
  auto nonce = take_attribute(rest, 'r');
  auto salt_text = take_attribute(rest, 's');
  auto count_text = take_attribute(rest, 'i');
  if (!nonce || !salt_text || !count_text)
    return make_error_code(auth_errc::malformed_server_message);
  if (nonce->size() <= s.nonce.size() || !nonce->starts_with(s.nonce))
    return make_error_code(auth_errc::nonce_mismatch);
  auto salt = unbase64(*salt_text);
  std::uint32_t iterations = 0;
  auto [end, ec] =
      std::from_chars(count_text->data(), count_text->data() + count_text->size(), iterations);
  if (!salt || ec != std::errc{} || end != count_text->data() + count_text->size())
    return make_error_code(auth_errc::malformed_server_message);
  if (iterations < s.options.minimum_iterations || iterations > s.options.maximum_iterations)
    return make_error_code(auth_errc::iteration_count_out_of_range);

  // SaltedPassword := Hi(Normalize(password), salt, i), Hi being PBKDF2 with HMAC (RFC 5802 §2.2).
  Bytes salted(static_cast<std::size_t>(EVP_MD_get_size(s.md)));
  if (PKCS5_PBKDF2_HMAC(s.password.data(), static_cast<int>(s.password.size()), salt->data(),
                        static_cast<int>(salt->size()), static_cast<int>(iterations), s.md,
                        static_cast<int>(salted.size()), salted.data()) != 1) {
    return make_error_code(auth_errc::crypto_failure);
  }
  const std::string without_proof =
      "c=" + base64(Bytes(kGs2Header.begin(), kGs2Header.end())) + ",r=" + std::string{*nonce};
  const std::string auth_message =
      s.client_first_bare + "," + std::string{server_first} + "," + without_proof;
  auto client_key = hmac(s.md, salted, "Client Key");
  auto server_key = hmac(s.md, salted, "Server Key");
  OPENSSL_cleanse(salted.data(), salted.size());
  std::optional<Bytes> stored_key, client_signature, server_signature;
  if (client_key) stored_key = hash(s.md, *client_key);
  if (stored_key) client_signature = hmac(s.md, *stored_key, auth_message);
  if (server_key) server_signature = hmac(s.md, *server_key, auth_message);
  if (!client_signature || !server_signature) return make_error_code(auth_errc::crypto_failure);
  // ClientProof := ClientKey XOR ClientSignature
  Bytes proof = *client_key;
  for (std::size_t i = 0; i < proof.size(); ++i)
    proof[i] ^= (*client_signature)[i];
  s.expected_server_signature = std::move(*server_signature);
  OPENSSL_cleanse(client_key->data(), client_key->size());
  return without_proof + ",p=" + base64(proof);
}

std::error_code ScramAuthenticator::finish(std::string_view server_final) {
  State& s = *state_;
  if (s.expected_server_signature.empty()) {
    s.reset();
    return make_error_code(auth_errc::unexpected_step);
  }
  std::string_view rest = server_final;
  std::error_code result;
  if (take_attribute(rest, 'e')) {
    result = make_error_code(auth_errc::server_error);
  } else if (auto verifier = take_attribute(rest, 'v'); !verifier) {
    result = make_error_code(auth_errc::malformed_server_message);
  } else if (auto signature = unbase64(*verifier);
             !signature || signature->size() != s.expected_server_signature.size() ||
             CRYPTO_memcmp(signature->data(), s.expected_server_signature.data(),
                           signature->size()) != 0) {
    result = make_error_code(auth_errc::server_signature_invalid);
  }
  s.reset();
  return result;
}

void ScramAuthenticator::abort() {
  state_->reset();
}

// --- auth_errc ---------------------------------------------------------------------------------

namespace {

std::string describe(auth_errc e) {
  switch (e) {
    case auth_errc::not_printable_ascii:
      return "SCRAM: the user name or password is not printable ASCII (SASLprep is not "
             "implemented)";
    case auth_errc::malformed_server_message:
      return "SCRAM: the broker's message does not follow RFC 5802";
    case auth_errc::nonce_mismatch:
      return "SCRAM: the broker's nonce does not extend ours";
    case auth_errc::iteration_count_out_of_range:
      return "SCRAM: the broker's iteration count is outside the accepted range";
    case auth_errc::server_error:
      return "SCRAM: the broker reported an error in its final message";
    case auth_errc::server_signature_invalid:
      return "SCRAM: the broker's signature is wrong; it did not prove it knows the password";
    case auth_errc::unexpected_step:
      return "authentication step out of order";
    case auth_errc::crypto_failure:
      return "OpenSSL failed during authentication";
  }
  return "unknown authentication error";
}

}  // namespace

const std::error_category& auth_category() noexcept {
  static const detail::EnumCategory<auth_errc> category{"portmqtt.auth", describe};
  return category;
}

std::error_code make_error_code(auth_errc e) noexcept {
  return {static_cast<int>(e), auth_category()};
}

}  // namespace portmqtt
