// Memory for what lives only while a connection is being made: the TCP connector and the
// operations of its connect and deadline.
//
// Why not the heap: a connect storm (thousands of clients started at once on one loop) makes
// every attempt's connector between the objects each connection keeps, then frees them all
// once connected. Those freed blocks stay as holes between live objects that an idle process
// never fills, so their pages stay resident: about 0.35 KiB per idle connection for the
// connector alone (bench/results/idle.md). Blocks here come from slabs of their own, mapped
// from the kernel and given back to it when their last block is freed, so the storm leaves
// nothing behind.
//
// A slab hands out blocks in order and reuses none until all of its blocks are back: meant for
// short-lived objects only. One long-lived block would keep its whole slab (64 KiB) mapped.
#pragma once

#include <cstddef>
#include <limits>
#include <new>

namespace portmqtt::transport {

/// A block of `size` bytes aligned for any scalar type, from the slabs of connection attempts.
/// Any thread. Throws std::bad_alloc when no slab can be mapped. Large requests (over a
/// quarter of a slab) come from operator new.
void* attempt_allocate(std::size_t size);
/// Gives back a block of attempt_allocate(size), with the same `size`. Any thread. A slab
/// whose last block comes back is unmapped, unless it is the one new blocks come from.
void attempt_deallocate(void* block, std::size_t size) noexcept;

/// What the slabs hold now, for tests and diagnostics.
struct AttemptMemoryUse {
  std::size_t slabs = 0;   // mapped slabs
  std::size_t blocks = 0;  // blocks handed out and not given back
};
AttemptMemoryUse attempt_memory_use();

/// A standard allocator over attempt_allocate(): for std::allocate_shared, and for
/// boost::asio::bind_allocator so that Asio takes an operation's memory from the slabs.
template <class T>
class AttemptAllocator {
 public:
  using value_type = T;

  AttemptAllocator() noexcept = default;
  template <class U>
  AttemptAllocator(const AttemptAllocator<U>& /*other*/) noexcept {}  // NOLINT: conversion

  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= alignof(std::max_align_t), "over-aligned types are not served");
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(attempt_allocate(n * sizeof(T)));
  }
  void deallocate(T* block, std::size_t n) noexcept { attempt_deallocate(block, n * sizeof(T)); }

  template <class U>
  bool operator==(const AttemptAllocator<U>& /*other*/) const noexcept {
    return true;
  }
};

}  // namespace portmqtt::transport
