// The durable outbox store as configured in OutboxConfig.
#pragma once

#include "portmqtt/config.hpp"
#include "store/sqlite_store.hpp"

namespace portmqtt::detail {

/// Whether going from `from` to `to` means opening another store (path or commit options).
bool store_changed(const OutboxConfig& from, const OutboxConfig& to);
store::SqliteOptions to_store_options(const OutboxConfig& outbox);

}  // namespace portmqtt::detail
