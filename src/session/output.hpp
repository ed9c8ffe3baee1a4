// Bytes the session hands to the transport, and the Store interface for unacknowledged messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <system_error>
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
///
/// Each change returns an error when the store could not take it (disk full, I/O error): a
/// failed put() makes the publish fail with that error and leaves the store as it was; a
/// failed update/erase/clear is reported as ErrorOccurred and the session goes on from memory.
/// A record is keyed by `sequence` alone, never by its packet id, which may change (or be 0
/// while a message waits to be sent).
class Store {
 public:
  struct Record {
    std::uint64_t sequence = 0;  ///< insertion order, strictly increasing
    std::uint16_t packet_id = 0;
    codec::PacketType type{};                    ///< PUBLISH or PUBREL
    std::shared_ptr<const codec::Buffer> bytes;  ///< the encoded packet
  };

  virtual ~Store() = default;
  virtual std::error_code put(const Record& record) = 0;
  /// Replaces the packet of the record with `sequence` (e.g. PUBLISH -> PUBREL, DUP set).
  virtual std::error_code update(const Record& record) = 0;
  virtual std::error_code erase(std::uint64_t sequence) = 0;
  virtual std::error_code clear() = 0;
  /// Every record, in sequence order (used when a session starts on an existing store).
  virtual std::vector<Record> load() = 0;
  /// Makes every change told so far durable before returning. The session calls it before a
  /// QoS 2 PUBLISH with a newly bound packet id goes out: were that id lost in a crash while
  /// the broker holds the message, a later message given the same id would be taken by the
  /// broker for a resend of the first and lost.
  virtual std::error_code sync() { return {}; }

  // Ids of the broker's QoS 2 messages we received and sent PUBREC for, awaiting PUBREL: kept
  // so that a copy the broker sends again after our restart is not delivered twice. A store
  // that does not outlive the process need not keep them (the defaults keep nothing).
  virtual std::error_code put_inbound(std::uint16_t /*packet_id*/) { return {}; }
  virtual std::error_code erase_inbound(std::uint16_t /*packet_id*/) { return {}; }
  virtual std::error_code clear_inbound() { return {}; }
  virtual std::vector<std::uint16_t> load_inbound() { return {}; }
};

}  // namespace portmqtt::session
