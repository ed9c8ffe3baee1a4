// The factory that replaces the built-in transports while a TransportFactoryScope lives.
#include "transport/factory_scope.hpp"

#include <mutex>
#include <utility>

namespace portmqtt::transport {
namespace {

// One per process. Read once per connection attempt, so a mutex costs nothing that matters.
std::mutex factory_mutex;
std::shared_ptr<const TransportFactory> installed;

std::shared_ptr<const TransportFactory> exchange_factory(
    std::shared_ptr<const TransportFactory> next) {
  std::lock_guard lock(factory_mutex);
  return std::exchange(installed, std::move(next));
}

}  // namespace

std::shared_ptr<const TransportFactory> installed_factory() {
  std::lock_guard lock(factory_mutex);
  return installed;
}

TransportFactoryScope::TransportFactoryScope(TransportFactory factory)
    : previous_(exchange_factory(std::make_shared<const TransportFactory>(std::move(factory)))) {}

TransportFactoryScope::~TransportFactoryScope() {
  (void)exchange_factory(std::move(previous_));
}

}  // namespace portmqtt::transport
