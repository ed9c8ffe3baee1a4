#include "client/auth_port.hpp"

#include <string>

namespace portmqtt::detail {
namespace {

class AuthPort final : public session::AuthMethod {
 public:
  explicit AuthPort(std::shared_ptr<Authenticator> authenticator)
      : authenticator_(std::move(authenticator)), name_(authenticator_->method()) {}

  std::string_view name() const override { return name_; }
  std::error_code start(bool reauthentication, std::string& data) override {
    return take(authenticator_->initial_data(reauthentication), data);
  }
  std::error_code next(std::string_view server_data, std::string& data) override {
    return take(authenticator_->continue_authentication(server_data), data);
  }
  std::error_code finish(std::string_view server_data) override {
    return authenticator_->finish(server_data);
  }
  void abort() override { authenticator_->abort(); }

 private:
  static std::error_code take(const Result<std::string>& result, std::string& data) {
    if (!result) return result.error();
    data = *result;
    return {};
  }

  std::shared_ptr<Authenticator> authenticator_;
  std::string name_;  // read once: the session holds a view of it for the connection
};

}  // namespace

std::shared_ptr<session::AuthMethod> auth_port(std::shared_ptr<Authenticator> authenticator) {
  if (!authenticator) return nullptr;
  return std::make_shared<AuthPort>(std::move(authenticator));
}

}  // namespace portmqtt::detail
