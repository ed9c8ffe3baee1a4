// Opening the durable outbox store of a client, and the Client calls about it.
#include "client/outbox_store.hpp"

#include "client/convert.hpp"
#include "client/runtime.hpp"

namespace portmqtt {

namespace detail {

bool store_changed(const OutboxConfig& from, const OutboxConfig& to) {
  return from.store_path != to.store_path || from.store_durability != to.store_durability ||
         from.group_commit_interval != to.group_commit_interval ||
         from.group_commit_messages != to.group_commit_messages ||
         from.store_sync != to.store_sync || from.store_start_fresh != to.store_start_fresh;
}

store::SqliteOptions to_store_options(const OutboxConfig& outbox) {
  store::SqliteOptions options;
  options.durability = outbox.store_durability == StoreDurability::per_message
                           ? store::Durability::per_message
                           : store::Durability::group;
  options.group_interval = outbox.group_commit_interval;
  options.group_messages = outbox.group_commit_messages == 0 ? 1 : outbox.group_commit_messages;
  options.sync = outbox.store_sync;
  options.start_fresh = outbox.store_start_fresh;
  return options;
}

}  // namespace detail

std::error_code Client::Impl::open_store_locked() {
  const OutboxConfig& outbox = config->outbox;
  store_error = {};
  store_message.clear();
  // The open store goes first: opening the same file again would meet its own lock.
  if (sqlite != nullptr || session.durable()) {
    sqlite = nullptr;
    session.use_store(nullptr);
  }
  if (outbox.store_path.empty()) return {};
  store::OpenResult opened =
      store::SqliteStore::open(outbox.store_path, detail::to_store_options(outbox));
  if (!opened.store) {
    store_error = detail::to_public_error(opened.error);
    store_message = std::move(opened.message);
    // Config::log of the configuration being applied (`logger` belongs to the loop).
    detail::ClientLog store_log;
    store_log.configure(config->log);
    if (store_log.enabled(LogLevel::error))
      store_log.write(LogLevel::error, "store", "cannot open the outbox store: " + store_message);
    return store_error;
  }
  detail::ClientLog store_log;
  store_log.configure(config->log);
  if (store_log.enabled(LogLevel::info))
    store_log.write(LogLevel::info, "store", "outbox store " + outbox.store_path + " opened");
  sqlite = opened.store.get();
  session.use_store(std::move(opened.store));
  return {};
}

std::error_code Client::flush_store() {
  detail::MutexLock lock(impl_->mutex);
  if (impl_->sqlite == nullptr) return {};
  return detail::to_public_error(impl_->sqlite->flush());
}

std::string Client::store_status() const {
  detail::MutexLock lock(impl_->mutex);
  return impl_->store_message;
}

}  // namespace portmqtt
