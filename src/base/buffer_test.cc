#include "base/buffer.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace glasstls {
namespace {

TEST(Buffer, PrepareCommitAppend) {
  Buffer b;
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.capacity(), 0u);
  std::span<uint8_t> room = b.prepare(4);
  ASSERT_EQ(room.size(), 4u);
  EXPECT_EQ(b.size(), 0u);
  room[0] = 1;
  room[1] = 2;
  b.commit(2);
  EXPECT_EQ(b.size(), 2u);
  const Bytes more = {3, 4, 5};
  b.append(more);
  EXPECT_EQ(Bytes(b.view().begin(), b.view().end()), (Bytes{1, 2, 3, 4, 5}));
  EXPECT_GE(b.capacity(), 5u);
}

TEST(Buffer, GrowthKeepsContentsAndClearKeepsCapacity) {
  Buffer b;
  Bytes expect;
  for (int i = 0; i < 1000; i++) {
    const uint8_t byte = static_cast<uint8_t>(i * 7);
    b.append(ByteView(&byte, 1));
    expect.push_back(byte);
  }
  EXPECT_EQ(Bytes(b.view().begin(), b.view().end()), expect);
  const size_t cap = b.capacity();
  // Compared as an integer: GCC 12 warns (-Wuse-after-free) on printing a pointer that a
  // reallocation might have freed.
  const auto where = reinterpret_cast<uintptr_t>(b.data());
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.capacity(), cap);
  // Refilling within the capacity does not move the bytes.
  b.append(expect);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()), where);
  b.release();
  EXPECT_EQ(b.capacity(), 0u);
  EXPECT_EQ(b.data(), nullptr);
}

TEST(Buffer, EraseFrontTruncateAndMove) {
  Buffer b;
  b.append(Bytes{1, 2, 3, 4, 5, 6});
  b.erase_front(2);
  EXPECT_EQ(Bytes(b.view().begin(), b.view().end()), (Bytes{3, 4, 5, 6}));
  b.truncate(3);
  EXPECT_EQ(Bytes(b.view().begin(), b.view().end()), (Bytes{3, 4, 5}));
  b.truncate(10);
  EXPECT_EQ(b.size(), 3u);
  Buffer moved = std::move(b);
  EXPECT_EQ(moved.size(), 3u);
  EXPECT_EQ(b.size(), 0u);  // NOLINT(bugprone-use-after-move): a moved-from Buffer is empty.
  EXPECT_EQ(b.capacity(), 0u);
  moved.erase_front(7);
  EXPECT_TRUE(moved.empty());
  // commit never goes past the capacity.
  moved.commit(moved.capacity() + 100);
  EXPECT_EQ(moved.size(), moved.capacity());
}

}  // namespace
}  // namespace glasstls
