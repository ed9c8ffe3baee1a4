#include "transport/attempt_memory.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <mutex>

namespace portmqtt::transport {
namespace {

constexpr std::size_t kSlabSize = 64 * 1024;  // a power of two: a block finds its slab by mask
constexpr std::size_t kAlign = alignof(std::max_align_t);
constexpr std::size_t kLargest = kSlabSize / 4;

constexpr std::size_t round_up(std::size_t n, std::size_t to) {
  return (n + to - 1) / to * to;
}

// At the start of its mapping.
struct Slab {
  std::size_t used;  // bytes handed out from the start, this header included
  std::size_t live;  // blocks not yet given back
};
constexpr std::size_t kHeader = round_up(sizeof(Slab), kAlign);

// A mapping of kSlabSize bytes at an address that is a multiple of kSlabSize: map twice the
// size and give back what lies outside the aligned part.
Slab* map_slab() {
  void* raw =
      ::mmap(nullptr, 2 * kSlabSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const auto aligned = round_up(start, kSlabSize);
  if (aligned > start) ::munmap(raw, aligned - start);
  const auto end = start + 2 * kSlabSize;
  if (end > aligned + kSlabSize)
    ::munmap(reinterpret_cast<void*>(aligned + kSlabSize), end - (aligned + kSlabSize));
  auto* slab = reinterpret_cast<Slab*>(aligned);
  slab->used = kHeader;
  slab->live = 0;
  return slab;
}

struct Pool {
  std::mutex mutex;
  Slab* current = nullptr;  // where new blocks come from
  AttemptMemoryUse use;
};

// Never destroyed: a block may come back during the destruction of static objects.
Pool& pool() {
  static Pool* const instance = new Pool;
  return *instance;
}

void unmap(Pool& p, Slab* slab) {
  ::munmap(slab, kSlabSize);
  --p.use.slabs;
}

}  // namespace

void* attempt_allocate(std::size_t size) {
  size = round_up(size == 0 ? 1 : size, kAlign);
  if (size > kLargest) return ::operator new(size);
  Pool& p = pool();
  const std::lock_guard lock(p.mutex);
  if (!p.current || p.current->used + size > kSlabSize) {
    Slab* fresh = map_slab();
    if (!fresh) throw std::bad_alloc();
    ++p.use.slabs;
    // A full slab with blocks still out is unmapped by the last of them to come back.
    if (p.current && p.current->live == 0) unmap(p, p.current);
    p.current = fresh;
  }
  void* block = reinterpret_cast<char*>(p.current) + p.current->used;
  p.current->used += size;
  ++p.current->live;
  ++p.use.blocks;
  return block;
}

void attempt_deallocate(void* block, std::size_t size) noexcept {
  if (!block) return;
  size = round_up(size == 0 ? 1 : size, kAlign);
  if (size > kLargest) return ::operator delete(block);
  auto* slab = reinterpret_cast<Slab*>(reinterpret_cast<std::uintptr_t>(block) & ~(kSlabSize - 1));
  Pool& p = pool();
  const std::lock_guard lock(p.mutex);
  --p.use.blocks;
  if (--slab->live != 0) return;
  if (slab == p.current)
    slab->used = kHeader;  // kept for the next attempts, from its start
  else
    unmap(p, slab);
}

AttemptMemoryUse attempt_memory_use() {
  Pool& p = pool();
  const std::lock_guard lock(p.mutex);
  return p.use;
}

}  // namespace portmqtt::transport
