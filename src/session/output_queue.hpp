// The bytes queued for the transport between two take_output() calls, in order.
//
// Small packets (acks, pings, QoS 0 publishes) are encoded straight into a scratch buffer that
// is reused once the runtime has dropped or recycled the batch that carried it, so the QoS 0
// path allocates nothing in steady state. A scratch buffer is sealed once it holds
// kScratchChunk bytes and the next packets go into another: a publisher that runs ahead of the
// socket fills a few chunks of fixed size instead of growing one buffer to the whole send
// queue (each doubling copied everything queued so far into fresh pages, and the buffer grew
// back from nothing after every idle moment). Outbox records are queued by reference: the
// batch shares ownership of the record's bytes instead of copying them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "codec/buffer.hpp"
#include "session/output.hpp"

namespace portmqtt::session {

class OutputQueue {
 public:
  OutputQueue();

  /// Where the next small packet is encoded. Call commit_scratch() after appending to it.
  codec::Buffer& scratch() { return *scratch_; }
  /// Queues the bytes appended to scratch() since the last commit.
  void commit_scratch();
  /// Drops bytes appended to scratch() since the last commit (a packet that was refused).
  void rollback_scratch();
  /// Queues a whole shared buffer (an outbox record) without copying it.
  void add_shared(std::shared_ptr<const codec::Buffer> bytes);

  bool empty() const { return segments_.empty(); }
  /// Bytes queued and not yet taken.
  std::size_t size() const { return queued_; }
  /// Forgets everything queued (the connection it was meant for is gone).
  void clear();

  /// Moves what is queued, in order, into one gather list: whole packets and chunks, until
  /// the list holds at least `max_bytes` (the first piece is always taken, whatever its
  /// size). What is left stays queued for the next take().
  OutputBatch take(std::size_t max_bytes = SIZE_MAX);
  /// Keeps a written batch's vectors for the next take().
  void recycle(OutputBatch&& batch);
  /// Gives back what is kept for the next packets (scratch bytes, pooled buffers, recycled
  /// vectors) when nothing is queued; the next packet allocates again.
  void release_memory();

 private:
  struct Segment {
    std::shared_ptr<const codec::Buffer> bytes;  // an outbox record or a scratch buffer
    std::size_t offset = 0;
    std::size_t length = 0;
  };

  void next_scratch();

  std::shared_ptr<codec::Buffer> scratch_;
  std::size_t committed_ = 0;  // bytes of scratch_ already queued
  std::size_t queued_ = 0;     // bytes of segments_
  std::vector<Segment> segments_;
  // Scratch buffers handed out in batches; one whose only owner is this pool is free again.
  std::vector<std::shared_ptr<codec::Buffer>> pool_;
  OutputBatch spare_;
};

}  // namespace portmqtt::session
