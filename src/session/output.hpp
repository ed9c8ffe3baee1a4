// Bytes the session hands to the transport, and the Store interface for unacknowledged messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "codec/buffer.hpp"
#include "codec/types.hpp"

namespace portmqtt::session {

/// A gather list of bytes to write. It shares ownership of the memory it points to (outbox
/// records, encode buffers), so the runtime may keep it across an asynchronous write while the
/// session goes on (acks may remove the records meanwhile without invalidating the views).
class OutputBatch {
 public:
  std::span<const codec::ByteView> buffers() const { return views_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Used by the session to build the batch.
  void add(codec::ByteView bytes, std::shared_ptr<const void> owner);
  void clear();

 private:
  std::vector<codec::ByteView> views_;
  std::vector<std::shared_ptr<const void>> owners_;
  std::size_t size_ = 0;
};

/// Where unacknowledged QoS>0 publishes (and stored QoS 0 ones) are kept, in order. The
/// session keeps its own index; a Store is told every change so a durable implementation can
/// survive a crash of the process. The in-memory default does nothing but hold the records.
class Store {
 public:
  struct Record {
    std::uint64_t sequence = 0;  ///< insertion order, strictly increasing
    std::uint16_t packet_id = 0;
    codec::PacketType type{};                    ///< PUBLISH or PUBREL
    std::shared_ptr<const codec::Buffer> bytes;  ///< the encoded packet
  };

  virtual ~Store() = default;
  virtual void put(const Record& record) = 0;
  /// Replaces the packet of the record with `sequence` (e.g. PUBLISH -> PUBREL, DUP set).
  virtual void update(const Record& record) = 0;
  virtual void erase(std::uint64_t sequence) = 0;
  virtual void clear() = 0;
  /// Every record, in sequence order (used when a session starts on an existing store).
  virtual std::vector<Record> load() = 0;
};

}  // namespace portmqtt::session
