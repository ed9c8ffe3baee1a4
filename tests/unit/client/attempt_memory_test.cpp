// The slabs of connection attempts (transport/attempt_memory.hpp): blocks that do not overlap,
// slabs given back to the kernel once their last block is freed, and kept while one is out.
#include "transport/attempt_memory.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace portmqtt::transport {
namespace {

constexpr std::size_t kConnectorSize = 352;  // about a TCP connector
constexpr std::size_t kSlabSize = 64 * 1024;

struct Block {
  void* address;
  std::size_t size;
};

std::vector<Block> allocate_many(std::size_t count, std::size_t size) {
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < count; ++i)
    blocks.push_back({attempt_allocate(size), size});
  return blocks;
}

void free_all(const std::vector<Block>& blocks) {
  for (const auto& b : blocks)
    attempt_deallocate(b.address, b.size);
}

TEST(AttemptMemory, BlocksAreAlignedAndDoNotOverlap) {
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < 600; ++i) {
    const std::size_t size = 1 + (i * 37) % 500;  // odd sizes too
    blocks.push_back({attempt_allocate(size), size});
    std::memset(blocks.back().address, static_cast<int>(i & 0xff), size);
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto* bytes = static_cast<const unsigned char*>(blocks[i].address);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(bytes) % alignof(std::max_align_t), 0u);
    for (std::size_t j = 0; j < blocks[i].size; ++j) {
      ASSERT_EQ(bytes[j], static_cast<unsigned char>(i & 0xff)) << "block " << i << " byte " << j;
    }
  }
  free_all(blocks);
}

TEST(AttemptMemory, AStormOfConnectorsGivesItsSlabsBackOnceAllAreFreed) {
  const AttemptMemoryUse before = attempt_memory_use();
  const std::size_t count = 1000;  // about 5.5 slabs
  const auto blocks = allocate_many(count, kConnectorSize);
  const AttemptMemoryUse during = attempt_memory_use();
  EXPECT_EQ(during.blocks, before.blocks + count);
  EXPECT_GE(during.slabs, count * kConnectorSize / kSlabSize);
  free_all(blocks);
  const AttemptMemoryUse after = attempt_memory_use();
  EXPECT_EQ(after.blocks, before.blocks);
  EXPECT_LE(after.slabs, 1u);  // at most the one new blocks come from
}

TEST(AttemptMemory, ASlabStaysMappedWhileOneOfItsBlocksIsOut) {
  const std::size_t per_slab = kSlabSize / kConnectorSize;
  auto blocks = allocate_many(3 * per_slab, kConnectorSize);  // spans three or four slabs
  const Block kept = blocks.front();                          // in the first of them
  blocks.erase(blocks.begin());
  free_all(blocks);
  const std::size_t with_kept = attempt_memory_use().slabs;
  EXPECT_GE(with_kept, 2u);  // the kept block's and the current one
  attempt_deallocate(kept.address, kept.size);
  EXPECT_EQ(attempt_memory_use().slabs, with_kept - 1);
}

TEST(AttemptMemory, TheCurrentSlabIsReusedFromItsStartOnceEmpty) {
  void* first = attempt_allocate(kConnectorSize);
  attempt_deallocate(first, kConnectorSize);
  const AttemptMemoryUse empty = attempt_memory_use();
  void* again = attempt_allocate(kConnectorSize);
  EXPECT_EQ(again, first);
  EXPECT_EQ(attempt_memory_use().slabs, empty.slabs);
  attempt_deallocate(again, kConnectorSize);
}

TEST(AttemptMemory, LargeRequestsComeFromTheHeap) {
  const AttemptMemoryUse before = attempt_memory_use();
  void* large = attempt_allocate(kSlabSize);
  std::memset(large, 0x5a, kSlabSize);
  const AttemptMemoryUse during = attempt_memory_use();
  EXPECT_EQ(during.blocks, before.blocks);
  attempt_deallocate(large, kSlabSize);
}

TEST(AttemptMemory, AllocateSharedKeepsItsObjectInTheSlabsUntilTheLastOwnerGoes) {
  const std::size_t before = attempt_memory_use().blocks;
  auto text = std::allocate_shared<std::string>(AttemptAllocator<std::string>{}, "attempt");
  auto second_owner = text;
  EXPECT_EQ(attempt_memory_use().blocks, before + 1);
  text.reset();
  EXPECT_EQ(*second_owner, "attempt");
  second_owner.reset();
  EXPECT_EQ(attempt_memory_use().blocks, before);
}

}  // namespace
}  // namespace portmqtt::transport
