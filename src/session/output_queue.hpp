// The bytes queued for the transport between two take_output() calls, in order.
//
// Small packets (acks, pings, QoS 0 publishes) are encoded straight into a scratch buffer that
// is reused once the runtime has dropped or recycled the batch that carried it, so the QoS 0
// path allocates nothing in steady state. Outbox records are queued by reference: the batch
// shares ownership of the record's bytes instead of copying them.
#pragma once

#include <cstddef>
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
  /// Forgets everything queued (the connection it was meant for is gone).
  void clear();

  /// Moves everything queued into one gather list.
  OutputBatch take();
  /// Keeps a written batch's vectors for the next take().
  void recycle(OutputBatch&& batch);
  /// Gives back what is kept for the next packets (scratch bytes, pooled buffers, recycled
  /// vectors) when nothing is queued; the next packet allocates again.
  void release_memory();

 private:
  struct Segment {
    std::shared_ptr<const codec::Buffer> shared;  // empty: a range of the scratch buffer
    std::size_t offset = 0;
    std::size_t length = 0;
  };

  void next_scratch();

  std::shared_ptr<codec::Buffer> scratch_;
  std::size_t committed_ = 0;  // bytes of scratch_ already queued
  std::vector<Segment> segments_;
  // Scratch buffers handed out in batches; one whose only owner is this pool is free again.
  std::vector<std::shared_ptr<codec::Buffer>> pool_;
  OutputBatch spare_;
};

}  // namespace portmqtt::session
