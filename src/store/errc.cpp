#include "store/errc.hpp"

#include <string>

#include "common/error_category.hpp"

namespace portmqtt::store {
namespace {

std::string describe(errc e) {
  switch (e) {
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

}  // namespace

const std::error_category& store_category() noexcept {
  static const detail::EnumCategory<errc> instance{"portmqtt.store", describe};
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), store_category()};
}

}  // namespace portmqtt::store
