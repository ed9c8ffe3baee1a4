#include "session/output.hpp"

#include <utility>

#include "session/output_queue.hpp"

namespace portmqtt::session {

void OutputBatch::add(codec::ByteView bytes, std::shared_ptr<const void> owner) {
  if (bytes.empty()) return;
  views_.push_back(bytes);
  owners_.push_back(std::move(owner));
  size_ += bytes.size();
}

void OutputBatch::clear() {
  // Keeps the vectors' capacity: a recycled batch is refilled without allocating.
  views_.clear();
  owners_.clear();
  size_ = 0;
}

namespace {
// Beyond this many scratch buffers in the hands of the runtime, extra ones are not pooled: 16
// chunks cover a send queue of 1 MiB, and an idle connection gives the pool back.
constexpr std::size_t kPoolSize = 16;
// A scratch buffer at least this full is sealed at the next commit (see output_queue.hpp).
constexpr std::size_t kScratchChunk = 64 * 1024;
}  // namespace

OutputQueue::OutputQueue() {
  next_scratch();
}

void OutputQueue::commit_scratch() {
  const std::size_t end = scratch_->size();
  if (end == committed_) return;
  if (!segments_.empty() && segments_.back().bytes == scratch_ &&
      segments_.back().offset + segments_.back().length == committed_) {
    segments_.back().length += end - committed_;
  } else {
    segments_.push_back(Segment{scratch_, committed_, end - committed_});
  }
  queued_ += end - committed_;
  committed_ = end;
  if (end < kScratchChunk) return;
  // Sealed: it never grows again. A connection that filled a chunk is streaming, so the next
  // one is made whole at once rather than grown by doubling (and copying) from a few bytes.
  next_scratch();
  scratch_->reserve(kScratchChunk + kScratchChunk / 4);
}

void OutputQueue::rollback_scratch() {
  scratch_->truncate(committed_);
}

void OutputQueue::add_shared(std::shared_ptr<const codec::Buffer> bytes) {
  if (!bytes || bytes->empty()) return;
  const std::size_t length = bytes->size();
  segments_.push_back(Segment{std::move(bytes), 0, length});
  queued_ += length;
}

void OutputQueue::clear() {
  segments_.clear();
  scratch_->clear();
  committed_ = 0;
  queued_ = 0;
}

OutputBatch OutputQueue::take(std::size_t max_bytes) {
  OutputBatch batch = std::move(spare_);
  batch.clear();
  std::size_t taken = 0;
  bool used_scratch = false;
  while (taken < segments_.size() && (taken == 0 || batch.size() < max_bytes)) {
    Segment& s = segments_[taken++];
    used_scratch = used_scratch || s.bytes == scratch_;
    // Moved, not copied: the taken segments are erased below anyway, and a copy would cost an
    // atomic increment here and a decrement there for every packet.
    const codec::ByteView bytes = s.bytes->view().subspan(s.offset, s.length);
    batch.add(bytes, std::move(s.bytes));
  }
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(taken));
  queued_ -= batch.size();
  // The batch points into the scratch buffer, which must not grow (and move) from here on.
  if (used_scratch) next_scratch();
  return batch;
}

void OutputQueue::recycle(OutputBatch&& batch) {
  batch.clear();
  spare_ = std::move(batch);
}

void OutputQueue::release_memory() {
  if (!segments_.empty() || committed_ != 0) return;
  // Swapped with empty vectors: `v = {}` would assign an empty list and keep the capacity.
  std::vector<Segment>().swap(segments_);
  spare_ = OutputBatch{};
  std::vector<std::shared_ptr<codec::Buffer>>().swap(
      pool_);  // a buffer still in a batch of the runtime lives on with that batch alone
  if (scratch_.use_count() == 1) {
    *scratch_ = codec::Buffer{};
  } else {
    scratch_ = std::make_shared<codec::Buffer>();
  }
}

void OutputQueue::next_scratch() {
  committed_ = 0;
  for (auto& candidate : pool_) {
    if (candidate.use_count() == 1 && candidate != scratch_) {
      scratch_ = candidate;
      scratch_->clear();
      return;
    }
  }
  scratch_ = std::make_shared<codec::Buffer>();
  if (pool_.size() < kPoolSize) pool_.push_back(scratch_);
}

}  // namespace portmqtt::session
