// OpenSSL lives in this file only. The context is built once per connection attempt from
// TlsOptions; the stream is Asio's ssl::stream over a TCP socket.
#include "transport/tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "transport/errc.hpp"
#include "transport/system_error.hpp"
#include "transport/tcp_connector.hpp"
#include "transport/tls_errc.hpp"

namespace portmqtt::transport {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

bool is_pem(const std::string& bytes) {
  return bytes.find("-----BEGIN") != std::string::npos;
}

BioPtr memory_bio(const std::string& bytes) {
  return BioPtr{BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size()))};
}

// Every certificate in `bytes`: all PEM blocks, or one DER certificate.
std::vector<X509Ptr> parse_certificates(const std::string& bytes) {
  std::vector<X509Ptr> out;
  BioPtr bio = memory_bio(bytes);
  if (!bio) return out;
  if (!is_pem(bytes)) {
    if (X509* der = d2i_X509_bio(bio.get(), nullptr)) out.emplace_back(der);
    return out;
  }
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
    out.emplace_back(cert);
  // The loop ends on a "no start line" error; with nothing read, the error says why.
  if (!out.empty()) ERR_clear_error();
  return out;
}

// The password callback: never prompts on a terminal (OpenSSL's default would).
int password_callback(char* buffer, int size, int /*rwflag*/, void* user) {
  const auto* password = static_cast<const std::string*>(user);
  if (password == nullptr || password->size() > static_cast<std::size_t>(size)) return 0;
  std::memcpy(buffer, password->data(), password->size());
  return static_cast<int>(password->size());
}

PkeyPtr parse_private_key(const std::string& bytes, const std::string& password) {
  auto* user = const_cast<std::string*>(&password);  // NOLINT: OpenSSL's void* user data
  BioPtr bio = memory_bio(bytes);
  if (!bio) return nullptr;
  if (is_pem(bytes))
    return PkeyPtr{PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback, user)};
  // DER: an encrypted PKCS#8 key first, then any unencrypted form.
  if (EVP_PKEY* key = d2i_PKCS8PrivateKey_bio(bio.get(), nullptr, password_callback, user))
    return PkeyPtr{key};
  ERR_clear_error();
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  return PkeyPtr{d2i_AutoPrivateKey(nullptr, &data, static_cast<long>(bytes.size()))};
}

int protocol_version(TlsVersion v) {
  return v == TlsVersion::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// ALPN wire format: each protocol as a length byte followed by its name.
std::vector<unsigned char> alpn_wire(const std::vector<std::string>& protocols) {
  std::vector<unsigned char> wire;
  for (const std::string& p : protocols) {
    if (p.empty() || p.size() > 255) return {};
    wire.push_back(static_cast<unsigned char>(p.size()));
    wire.insert(wire.end(), p.begin(), p.end());
  }
  return wire;
}

// The PSK callback finds its options in an ex-data slot of the SSL object: our own slot,
// because Asio keeps its verify callback in slot 0 (app data) and deletes whatever is there.
int psk_options_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

unsigned int psk_client_callback(SSL* ssl, const char* hint, char* identity,
                                 unsigned int max_identity_len, unsigned char* psk,
                                 unsigned int max_psk_len) {
  const auto* options = static_cast<const TlsOptions*>(SSL_get_ex_data(ssl, psk_options_index()));
  if (options == nullptr) return 0;
  // TLS 1.3 has no identity hint (hint is null); a TLS 1.2 server's hint must match.
  if (!options->psk) return 0;
  const TlsPsk& key = *options->psk;
  if (!key.hint.empty() && hint != nullptr && key.hint != hint) return 0;
  if (key.identity.size() >= max_identity_len || key.key.size() > max_psk_len) return 0;
  std::memcpy(identity, key.identity.c_str(), key.identity.size() + 1);
  std::memcpy(psk, key.key.data(), key.key.size());
  return static_cast<unsigned int>(key.key.size());
}

// PSK is used when an identity is given (TlsConfig::psk).
bool uses_psk(const TlsOptions& o) {
  return o.psk && !o.psk->identity.empty();
}

bool has_trust_source(const TlsOptions& o) {
  return !o.ca_certificate.empty() || !o.ca_file.empty() || !o.ca_directory.empty() ||
         o.use_system_trust_store;
}

// Whether the server's certificate is checked. A trust source turns it on; with none, a
// PSK connection needs no certificate and every other one falls back to the system store
// unless verification was explicitly skipped.
bool verifies_peer(const TlsOptions& o) {
  if (o.skip_verification) return false;
  return has_trust_source(o) || !uses_psk(o);
}

// OpenSSL's text for its latest queued error ("error:0A000086:SSL routines::certificate
// verify failed"), or empty.
std::string openssl_reason(unsigned long code = ERR_peek_last_error()) {
  if (code == 0) return {};
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// "ca_file \"/etc/x.pem\": No such file or directory" when the path cannot be read.
bool readable(const std::string& path, const char* option, int mode, std::string& detail) {
  if (::access(path.c_str(), mode) == 0) return true;
  detail = std::string{option} + " \"" + path + "\": " + std::strerror(errno);
  return false;
}

bool load_trust(SSL_CTX* ctx, const TlsOptions& o, std::string& detail) {
  if (!o.ca_certificate.empty()) {
    detail = "ca_certificate: no PEM or DER certificate in it";
    std::vector<X509Ptr> cas = parse_certificates(o.ca_certificate);
    if (cas.empty()) return false;
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    for (const X509Ptr& ca : cas)
      if (X509_STORE_add_cert(store, ca.get()) != 1) return false;
  }
  if (!o.ca_file.empty() || !o.ca_directory.empty()) {
    if (!o.ca_file.empty() && !readable(o.ca_file, "ca_file", R_OK, detail)) return false;
    if (!o.ca_directory.empty() && !readable(o.ca_directory, "ca_directory", R_OK | X_OK, detail))
      return false;
    const char* file = o.ca_file.empty() ? nullptr : o.ca_file.c_str();
    const char* dir = o.ca_directory.empty() ? nullptr : o.ca_directory.c_str();
    detail = "ca_file \"" + o.ca_file + "\" / ca_directory \"" + o.ca_directory + "\"";
    if (SSL_CTX_load_verify_locations(ctx, file, dir) != 1) return false;
  }
  detail = "the system's CA store";
  if (o.use_system_trust_store || !has_trust_source(o))
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) return false;
  detail.clear();
  return true;
}

// The step that failed, or none. A key that does not belong to the certificate is refused
// here, before any connection: OpenSSL will not pair them (mbedTLS would, and fail later).
TlsSetupStep load_client_identity(SSL_CTX* ctx, const TlsOptions& o) {
  if (o.client_certificate.empty() && o.client_key.empty()) return TlsSetupStep::none;
  std::vector<X509Ptr> chain = parse_certificates(o.client_certificate);
  if (chain.empty()) return TlsSetupStep::client_certificate;
  PkeyPtr key = parse_private_key(o.client_key, o.key_password);
  if (!key) return TlsSetupStep::client_key;
  if (SSL_CTX_use_certificate(ctx, chain.front().get()) != 1)
    return TlsSetupStep::client_certificate;
  for (std::size_t i = 1; i < chain.size(); ++i)
    if (SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 1, chain[i].get()) != 1)
      return TlsSetupStep::client_certificate;
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1)
    return TlsSetupStep::key_mismatch;
  return TlsSetupStep::none;
}

bool apply_protocol_settings(SSL_CTX* ctx, const TlsOptions& o) {
  if (SSL_CTX_set_min_proto_version(ctx, protocol_version(o.min_version)) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, protocol_version(o.max_version)) != 1)
    return false;
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  // OpenSSL's default list has no PSK suites; with a PSK, offer only suites it authenticates
  // (a server without a certificate cannot serve the others).
  const std::string ciphers =
      !o.ciphers_tls12.empty() ? o.ciphers_tls12 : (uses_psk(o) ? "aPSK" : "");
  if (!ciphers.empty() && SSL_CTX_set_cipher_list(ctx, ciphers.c_str()) != 1) return false;
  if (!o.ciphersuites_tls13.empty() &&
      SSL_CTX_set_ciphersuites(ctx, o.ciphersuites_tls13.c_str()) != 1)
    return false;
  if (!o.alpn.empty()) {
    std::vector<unsigned char> wire = alpn_wire(o.alpn);
    // SSL_CTX_set_alpn_protos returns 0 on success.
    if (wire.empty() ||
        SSL_CTX_set_alpn_protos(ctx, wire.data(), static_cast<unsigned int>(wire.size())) != 0)
      return false;
  }
  return true;
}

const char* client_identity_problem(TlsSetupStep step) {
  switch (step) {
    case TlsSetupStep::client_certificate:
      return "client_certificate: no usable PEM or DER certificate in it";
    case TlsSetupStep::client_key:
      return "client_key: not a private key, or key_password does not open it";
    default:
      return "client_key does not belong to client_certificate";
  }
}

// The client certificate callback runs when the server asks for a certificate and none is
// configured; it records that in the transport's flag (an ex-data slot of the SSL object).
int requested_flag_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int client_certificate_callback(SSL* ssl, X509** /*cert*/, EVP_PKEY** /*key*/) {
  if (auto* requested = static_cast<bool*>(SSL_get_ex_data(ssl, requested_flag_index())))
    *requested = true;
  return 0;  // no certificate: the handshake goes on without one
}

// Everything but PSK, which is set on each SSL object (its callback reads the options).
// `out` gets the step that failed, OpenSSL's error and the option in words. The steps run in
// ESP-TLS's order: trust source, client identity, then versions and suites.
std::error_code configure_context(ssl::context& context, const TlsOptions& o, TlsDiagnostics& out) {
  SSL_CTX* ctx = context.native_handle();
  ERR_clear_error();
  auto invalid = [&](TlsSetupStep step, std::string what) -> std::error_code {
    out.setup_step = step;
    out.stack_error = static_cast<int>(ERR_peek_last_error());
    out.detail = std::move(what);
    if (std::string reason = openssl_reason(); !reason.empty()) out.detail += ": " + reason;
    return tls_errc::invalid_configuration;
  };
  if (verifies_peer(o)) {
    std::string where;
    if (!load_trust(ctx, o, where)) {
      // A file that cannot be read says so itself (path and errno text).
      if (where.find(": ") != std::string::npos) {
        out.setup_step = TlsSetupStep::trust;
        out.stack_error = static_cast<int>(ERR_peek_last_error());
        out.detail = std::move(where);
        return tls_errc::invalid_configuration;
      }
      return invalid(TlsSetupStep::trust, std::move(where));
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  if (TlsSetupStep step = load_client_identity(ctx, o); step != TlsSetupStep::none)
    return invalid(step, client_identity_problem(step));
  if (o.client_certificate.empty()) SSL_CTX_set_client_cert_cb(ctx, client_certificate_callback);
  if (uses_psk(o) && o.psk->key.empty())
    return invalid(TlsSetupStep::other, "PSK identity without a key");
  if (!apply_protocol_settings(ctx, o))
    return invalid(TlsSetupStep::other, "protocol versions, cipher list, TLS 1.3 suites or ALPN");
  return {};
}

class TlsTransport final : public Transport {
 public:
  // The context must be complete here: SSL_new copies its certificate and verify settings.
  TlsTransport(asio::any_io_executor executor, const Options& options, ssl::context context)
      : options_(options.tls),
        context_(std::move(context)),
        stream_(executor, context_),
        connector_(executor, options) {
    SSL_set_ex_data(stream_.native_handle(), requested_flag_index(), &certificate_requested_);
    if (!uses_psk(options_)) return;
    SSL_set_ex_data(stream_.native_handle(), psk_options_index(), &options_);
    SSL_set_psk_client_callback(stream_.native_handle(), psk_client_callback);
  }

  void async_connect(const Endpoint& endpoint, ConnectHandler handler) override {
    on_connect_ = std::move(handler);
    if (auto ec = prepare_session(endpoint.host)) return finish_connect(ec);
    connector_.async_connect(stream_.next_layer(), endpoint, shared_from_this(),
                             [this](std::error_code ec) {
                               if (ec) return finish_connect(ec);
                               start_handshake();
                             });
  }

  void async_read_some(ByteSpan buffer, IoHandler handler) override {
    stream_.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                            [self = shared_from_this(), this, handler = std::move(handler)](
                                boost::system::error_code ec, std::size_t n) {
                              if (!ec) received_data_ = true;
                              handler(to_io_error(ec), n);
                            });
  }

  // One contiguous buffer: the SSL stream writes one record per buffer of a sequence.
  void async_write(std::span<const ConstByteSpan> buffers, IoHandler handler) override {
    outgoing_.clear();
    for (ConstByteSpan b : buffers)
      outgoing_.insert(outgoing_.end(), b.begin(), b.end());
    asio::async_write(
        stream_, asio::buffer(outgoing_),
        [self = shared_from_this(), this, handler = std::move(handler)](
            boost::system::error_code ec, std::size_t n) { handler(to_io_error(ec), n); });
  }

  void close() override {
    boost::system::error_code ignored;
    connector_.cancel();
    stream_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.next_layer().close(ignored);
  }

  TlsDiagnostics tls_diagnostics() const override { return diagnostics_; }
  void acknowledge_promptly() override { transport::acknowledge_promptly(stream_.next_layer()); }

 private:
  // SNI for host names (never for IP literals) and the name or address to verify.
  std::error_code prepare_session(const std::string& host) {
    SSL* ssl = stream_.native_handle();
    const std::string& name = options_.server_name.empty() ? host : options_.server_name;
    const bool ip = is_ip_literal(name);
    if (!ip && SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                        const_cast<char*>(name.c_str())) != 1)
      return tls_errc::invalid_configuration;
    if (!verifies_peer(options_) || options_.skip_hostname_check) return {};
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (ip) {
      if (X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) != 1)
        return tls_errc::invalid_configuration;
      return {};
    }
    // Wildcards only as the whole left-most label ("*.example.com").
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size()) != 1)
      return tls_errc::invalid_configuration;
    return {};
  }

  void start_handshake() {
    stream_.async_handshake(ssl::stream_base::client,
                            [self = shared_from_this(), this](boost::system::error_code ec) {
                              finish_connect(ec ? handshake_error(ec) : std::error_code{});
                            });
  }

  void finish_connect(std::error_code ec) {
    ec = connector_.finish(ec);
    if (ec) {
      boost::system::error_code ignored;
      stream_.next_layer().close(ignored);
    }
    if (auto handler = std::exchange(on_connect_, nullptr)) handler(ec);
  }

  void record_stack_error(const boost::system::error_code& ec) {
    if (ec.category() != asio::error::get_ssl_category()) return;
    diagnostics_.stack_error = ec.value();
    diagnostics_.detail = openssl_reason(static_cast<unsigned long>(ec.value()));
  }

  std::error_code handshake_error(const boost::system::error_code& ec) {
    record_stack_error(ec);
    if (ec == asio::error::operation_aborted || connector_.timed_out()) return to_std_error(ec);
    const long verify = SSL_get_verify_result(stream_.native_handle());
    if (verifies_peer(options_) && verify != X509_V_OK) {
      diagnostics_.verify_result = static_cast<int>(verify);
      diagnostics_.detail = X509_verify_cert_error_string(verify);
      return verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH
                 ? tls_errc::hostname_mismatch
                 : tls_errc::certificate_invalid;
    }
    return tls_errc::handshake_failed;
  }

  // TLS 1.3 ends the client's handshake before the server has checked the client's
  // certificate: a server that requires one and got none sends its alert (certificate_required)
  // after that, and it arrives on the first read or write. That is the handshake failing, as
  // TLS 1.2 reports it. When the server's close meets data we sent, the reset may discard the
  // alert: an unexplained end before any data, after a request for a certificate we did not
  // have, is the same failure.
  bool refused_for_missing_certificate(const boost::system::error_code& ec) {
    if (ec.category() == asio::error::get_ssl_category())
      return ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
             SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED;
    if (!certificate_requested_ || received_data_ ||
        SSL_version(stream_.native_handle()) != TLS1_3_VERSION)
      return false;
    return ec == ssl::error::stream_truncated || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::eof;
  }

  std::error_code to_io_error(const boost::system::error_code& ec) {
    if (!ec) return {};
    if (refused_for_missing_certificate(ec)) {
      record_stack_error(ec);
      if (diagnostics_.detail.empty() || ec.category() != asio::error::get_ssl_category())
        diagnostics_.detail = "the server requires a client certificate and none is configured";
      return tls_errc::handshake_failed;
    }
    if (ec == ssl::error::stream_truncated) return errc::end_of_stream;
    if (ec.category() == asio::error::get_ssl_category()) {
      record_stack_error(ec);
      return tls_errc::connection_failed;
    }
    return to_std_error(ec);
  }

  TlsOptions options_;
  ssl::context context_;
  ssl::stream<tcp::socket> stream_;
  TcpConnector connector_;
  ConnectHandler on_connect_;
  std::vector<std::uint8_t> outgoing_;
  TlsDiagnostics diagnostics_;
  bool certificate_requested_ = false;  // the server asked for a certificate we did not have
  bool received_data_ = false;          // a read returned application data
};

}  // namespace

std::error_code make_tls_transport(asio::any_io_executor executor, const Options& options,
                                   std::shared_ptr<Transport>& out, TlsDiagnostics* setup) {
  ssl::context context(ssl::context::tls_client);
  TlsDiagnostics why;
  if (auto ec = configure_context(context, options.tls, why)) {
    if (setup != nullptr) *setup = std::move(why);
    return ec;
  }
  out = std::make_shared<TlsTransport>(std::move(executor), options, std::move(context));
  return {};
}

}  // namespace portmqtt::transport
