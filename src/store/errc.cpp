#include "store/errc.hpp"

#include <string>

namespace portmqtt::store {
namespace {

class StoreCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "portmqtt.store"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::corrupt:
        return "outbox store is corrupt or not a database";
      case errc::foreign:
        return "file is a database of another application, not an outbox store";
      case errc::newer_version:
        return "outbox store written by a newer version";
      case errc::locked:
        return "outbox store is in use by another process";
      case errc::full:
        return "disk full: outbox store cannot grow";
      case errc::io_error:
        return "outbox store read or write failed";
      case errc::cannot_open:
        return "outbox store cannot be opened";
    }
    return "unknown outbox store error";
  }
};

}  // namespace

const std::error_category& store_category() noexcept {
  static const StoreCategory instance;
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), store_category()};
}

}  // namespace portmqtt::store
