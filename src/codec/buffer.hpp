// A growable byte buffer that encoders append to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "codec/types.hpp"

namespace portmqtt::codec {

/// Unlike std::vector<uint8_t>, growing does not zero the new bytes: the encoder computes a
/// packet's size, reserves it with append(n) and writes every byte exactly once.
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(std::size_t capacity) { reserve(capacity); }
  Buffer(Buffer&&) noexcept = default;
  Buffer& operator=(Buffer&&) noexcept = default;
  Buffer(const Buffer& other) { *this = other; }
  Buffer& operator=(const Buffer& other) {
    if (this != &other) {
      clear();
      append(other.view());
    }
    return *this;
  }

  /// Makes room for `n` more bytes and returns where they start. The bytes are uninitialised
  /// and count towards size() at once; the caller must write all of them.
  std::uint8_t* append(std::size_t n) {
    if (capacity_ - size_ < n) grow(size_ + n);
    std::uint8_t* at = data_.get() + size_;
    size_ += n;
    return at;
  }
  void append(ByteView bytes) {
    if (bytes.empty()) return;
    std::memcpy(append(bytes.size()), bytes.data(), bytes.size());
  }
  void reserve(std::size_t capacity) {
    if (capacity > capacity_) grow(capacity);
  }
  /// Shrinks to `n` bytes (n <= size()).
  void truncate(std::size_t n) {
    if (n < size_) size_ = n;
  }
  void clear() { size_ = 0; }

  std::uint8_t* data() { return data_.get(); }
  const std::uint8_t* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return {data_.get(), size_}; }

 private:
  void grow(std::size_t at_least) {
    std::size_t capacity = capacity_ < 64 ? 64 : capacity_ * 2;
    if (capacity < at_least) capacity = at_least;
    auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(capacity);
    if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace portmqtt::codec
