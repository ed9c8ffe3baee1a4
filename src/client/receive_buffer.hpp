// The receive buffer: bytes read but not yet consumed by the session, decoded in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

namespace portmqtt::detail {

class ReceiveBuffer {
 public:
  /// Unconsumed bytes, from the front.
  std::span<const std::uint8_t> data() const { return {bytes_.get(), filled_}; }
  /// Free space after the data, for the next read.
  std::span<std::uint8_t> space() { return {bytes_.get() + filled_, capacity_ - filled_}; }
  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return filled_; }

  void commit(std::size_t n) { filled_ += n; }
  /// Drops `n` bytes from the front, moving the rest down.
  void consume(std::size_t n) {
    if (n == 0) return;
    if (n < filled_) std::memmove(bytes_.get(), bytes_.get() + n, filled_ - n);
    filled_ -= n < filled_ ? n : filled_;
  }
  /// Makes the capacity at least `n`, keeping the data.
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(n);
    if (filled_ != 0) std::memcpy(bigger.get(), bytes_.get(), filled_);
    bytes_ = std::move(bigger);
    capacity_ = n;
  }
  void clear() { filled_ = 0; }
  /// Gives the memory back; only while no data is held.
  void release() {
    if (filled_ != 0) return;
    bytes_.reset();
    capacity_ = 0;
  }

 private:
  std::unique_ptr<std::uint8_t[]> bytes_;
  std::size_t capacity_ = 0;
  std::size_t filled_ = 0;
};

}  // namespace portmqtt::detail
