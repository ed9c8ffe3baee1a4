// Errors of the durable outbox store (src/store): what is wrong with the file or the disk.
#pragma once

#include <system_error>

namespace portmqtt::store {

enum class errc {
  corrupt = 1,    ///< the file is not an SQLite database, or its pages are damaged
  foreign,        ///< an SQLite database that is not a portmqtt outbox (application_id)
  newer_version,  ///< a portmqtt outbox written by a newer version (schema unknown here)
  locked,         ///< another process has the store open
  full,           ///< the disk (or the database's size limit) is full
  io_error,       ///< a read or write of the file failed
  cannot_open,    ///< the file cannot be created or opened (permissions, missing directory)
};

const std::error_category& store_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

}  // namespace portmqtt::store

template <>
struct std::is_error_code_enum<portmqtt::store::errc> : std::true_type {};
