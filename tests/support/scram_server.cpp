#include "scram_server.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace portmqtt::test {
namespace {

std::string b64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string unb64(std::string_view in) {
  std::string out(in.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return {};
  std::size_t size = static_cast<std::size_t>(n);
  if (!in.empty() && in.back() == '=') --size;
  if (in.size() > 1 && in[in.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

std::string hmac256(std::string_view key, std::string_view text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), out, &size);
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string sha256(std::string_view in) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(in.data(), in.size(), out, &size, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(out), size);
}

// The value after "<name>=" in a comma-separated attribute list.
std::optional<std::string> attribute(std::string_view message, char name) {
  std::size_t at = 0;
  while (at < message.size()) {
    std::size_t end = message.find(',', at);
    if (end == std::string_view::npos) end = message.size();
    if (end - at >= 2 && message[at] == name && message[at + 1] == '=')
      return std::string{message.substr(at + 2, end - at - 2)};
    at = end + 1;
  }
  return std::nullopt;
}

std::size_t varint_at(const Bytes& p, std::size_t& at) {
  std::size_t value = 0;
  for (int shift = 0; at < p.size() && shift < 28; shift += 7) {
    const std::uint8_t b = p[at++];
    value |= static_cast<std::size_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) break;
  }
  return value;
}

std::string string_at(const Bytes& p, std::size_t& at) {
  if (at + 2 > p.size()) return {};
  const std::size_t n = (std::size_t{p[at]} << 8) | p[at + 1];
  at += 2;
  std::string s(p.begin() + static_cast<long>(at), p.begin() + static_cast<long>(at + n));
  at += n;
  return s;
}

void put_string(Bytes& out, std::string_view s) {
  out.push_back(static_cast<std::uint8_t>(s.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

void put_varint(Bytes& out, std::size_t v) {
  do {
    std::uint8_t b = v & 0x7F;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
}

Bytes with_auth_props(std::uint8_t first, Bytes head, std::string_view method,
                      std::string_view data) {
  Bytes props{0x15};
  put_string(props, method);
  if (!data.empty()) {
    props.push_back(0x16);
    put_string(props, data);
  }
  put_varint(head, props.size());
  head.insert(head.end(), props.begin(), props.end());
  Bytes packet{first};
  put_varint(packet, head.size());
  packet.insert(packet.end(), head.begin(), head.end());
  return packet;
}

}  // namespace

ScramServer::ScramServer(std::string_view user, std::string_view password, std::string salt,
                         std::uint32_t iterations)
    : user_(user), salt_(std::move(salt)), iterations_(iterations) {
  std::string salted(32, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt_.data()),
                    static_cast<int>(salt_.size()), static_cast<int>(iterations_), EVP_sha256(), 32,
                    reinterpret_cast<unsigned char*>(salted.data()));
  stored_key_ = sha256(hmac256(salted, "Client Key"));
  server_key_ = hmac256(salted, "Server Key");
}

std::optional<std::string> ScramServer::first(std::string_view client_first) {
  if (!client_first.starts_with("n,,")) return std::nullopt;  // no channel binding
  client_first_bare_ = std::string{client_first.substr(3)};
  auto user = attribute(client_first_bare_, 'n');
  auto nonce = attribute(client_first_bare_, 'r');
  if (!user || *user != user_ || !nonce || nonce->empty()) return std::nullopt;
  nonce_ = *nonce + "3rfcNHYJY1ZVvWVs7j";
  server_first_ = "r=" + nonce_ + ",s=" + b64(salt_) + ",i=" + std::to_string(iterations_);
  return server_first_;
}

std::optional<std::string> ScramServer::final(std::string_view client_final) {
  const std::size_t proof_at = client_final.rfind(",p=");
  if (proof_at == std::string_view::npos) return std::nullopt;
  const std::string_view without_proof = client_final.substr(0, proof_at);
  if (attribute(without_proof, 'c') != "biws" || attribute(without_proof, 'r') != nonce_)
    return std::nullopt;
  const std::string auth_message =
      client_first_bare_ + "," + server_first_ + "," + std::string{without_proof};
  const std::string signature = hmac256(stored_key_, auth_message);
  std::string client_key = unb64(client_final.substr(proof_at + 3));
  if (client_key.size() != signature.size()) return std::nullopt;
  for (std::size_t i = 0; i < client_key.size(); ++i)
    client_key[i] = static_cast<char>(client_key[i] ^ signature[i]);
  if (sha256(client_key) != stored_key_) return std::nullopt;
  return "v=" + b64(hmac256(server_key_, auth_message));
}

std::optional<AuthFields> auth_fields(const Bytes& p) {
  if (p.empty()) return std::nullopt;
  AuthFields f;
  f.type = p[0] >> 4;
  std::size_t at = 1;
  varint_at(p, at);
  if (f.type == 1) {
    at += 2 + 4 + 1 + 1 + 2;  // protocol name, level, flags, keep-alive
  } else if (f.type == 2) {
    f.reason = p.at(at + 1);
    at += 2;  // flags, reason
  } else if (f.type == 15 || f.type == 14) {
    if (at >= p.size()) return f;  // no reason code: success
    f.reason = p[at++];
  } else {
    return f;
  }
  if (at >= p.size()) return f;
  const std::size_t end = varint_at(p, at) + at;
  while (at < end && at < p.size()) {
    const std::uint8_t id = p[at++];
    switch (id) {
      case 0x15:
        f.method = string_at(p, at);
        break;
      case 0x16:
        f.data = string_at(p, at);
        break;
      case 0x17:
      case 0x19:
        at += 1;
        break;
      case 0x21:
      case 0x22:
        at += 2;
        break;
      case 0x11:
      case 0x27:
        at += 4;
        break;
      case 0x26:
        string_at(p, at);
        string_at(p, at);
        break;
      default:
        return std::nullopt;  // not a CONNECT/AUTH property this test support knows
    }
  }
  return f;
}

Bytes auth_packet(std::uint8_t reason, std::string_view method, std::string_view data) {
  return with_auth_props(0xF0, Bytes{reason}, method, data);
}

Bytes connack_packet(std::uint8_t reason, std::string_view method, std::string_view data) {
  return with_auth_props(0x20, Bytes{0x00, reason}, method, data);
}

}  // namespace portmqtt::test
