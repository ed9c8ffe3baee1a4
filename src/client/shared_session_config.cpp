#include "client/shared_session_config.hpp"

#include <array>
#include <mutex>
#include <optional>
#include <string>

namespace portmqtt::detail {
namespace {

// What a made session::Config depends on: the Config object (a weak pointer, so an object at a
// reused address never matches an expired slot) and the credentials of the target.
struct Slot {
  std::weak_ptr<const Config> source;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::weak_ptr<const session::Config> made;
};

// A handful of slots, replaced in turn: a process usually makes its fleets from one or two
// configurations, and a miss only costs one unshared session::Config.
constexpr std::size_t kSlots = 8;

struct Cache {
  std::mutex mutex;
  std::array<Slot, kSlots> slots;
  std::size_t next = 0;
};

Cache& cache() {
  static Cache instance;
  return instance;
}

}  // namespace

std::shared_ptr<const session::Config> shared_session_config(
    const std::shared_ptr<const Config>& config, const Target& target) {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  for (Slot& slot : c.slots) {
    if (slot.source.lock() != config || slot.username != target.username ||
        slot.password != target.password)
      continue;
    if (auto made = slot.made.lock()) return made;
  }
  auto made = std::make_shared<const session::Config>(to_session_config(*config, target));
  Slot& slot = c.slots[c.next];
  c.next = (c.next + 1) % kSlots;
  slot = Slot{config, target.username, target.password, made};
  return made;
}

}  // namespace portmqtt::detail
