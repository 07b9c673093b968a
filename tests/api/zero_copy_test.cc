// Zero-copy reads: read_view()/consume_read() beside read(), over records that arrive whole,
// several at once, or cut into pieces across receive() calls, with post-handshake messages and
// closure alerts between them. Every test checks that the byte stream arrives whole and in
// order.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "api/harness.h"
#include "conn/context.h"
#include "handshake/key_schedule.h"
#include "record/record_layer.h"

namespace glasstls {
namespace {

using testing::client_builder;
using testing::MemoryKeyLog;
using testing::server_builder;

Bytes pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; i++) {
    b[i] = static_cast<uint8_t>(seed + i * 37 + (i >> 8));
  }
  return b;
}

Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

Bytes bytes_of(ByteView v) { return Bytes(v.begin(), v.end()); }

struct Pair {
  std::optional<Connection> client;
  std::optional<Connection> server;
};

Pair established(std::shared_ptr<KeyLog> server_log = nullptr,
                 std::shared_ptr<TraceObserver> server_trace = nullptr) {
  auto sb = server_builder(crypto::KeyType::kEcdsaP256);
  if (server_log) {
    sb.key_log(server_log);
  }
  auto scfg = sb.build();
  auto ccfg = client_builder(crypto::KeyType::kEcdsaP256).build();
  Pair p;
  p.client.emplace(std::move(Connection::client(*ccfg, "localhost")).value());
  p.server.emplace(std::move(Connection::server(*scfg)).value());
  if (server_trace) {
    p.server->set_trace(server_trace);
  }
  EXPECT_TRUE(testing::handshake(*p.client, *p.server));
  return p;
}

// deliver moves all of `from`'s output to `to` in receive() calls of `step` bytes (all at once
// for 0), from a copy (as a socket would). Returns false if `to` failed.
bool deliver(Connection& from, Connection& to, size_t step) {
  Bytes wire = bytes_of(from.output());
  from.consume_output(wire.size());
  if (step == 0) {
    step = std::max<size_t>(wire.size(), 1);
  }
  for (size_t off = 0; off < wire.size(); off += step) {
    const size_t n = std::min(step, wire.size() - off);
    if (!to.receive(ByteView(wire).subspan(off, n)).ok()) {
      return false;
    }
  }
  return true;
}

// take_view consumes everything read_view() shows, `step` bytes at a time.
Bytes take_view(Connection& c, size_t step) {
  Bytes got;
  for (std::span<const uint8_t> v = c.read_view(); !v.empty(); v = c.read_view()) {
    const size_t n = std::min(step, v.size());
    got.insert(got.end(), v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
    c.consume_read(n);
  }
  return got;
}

TEST(ZeroCopyRead, ViewIsContiguousAcrossRecords) {
  Pair p = established();
  // Four records: three full ones and a short one.
  const Bytes data = pattern(3 * record::kMaxPlaintext + 100, 1);
  ASSERT_TRUE(p.client->write(data).ok());
  ASSERT_TRUE(deliver(*p.client, *p.server, 0));
  EXPECT_EQ(p.server->readable(), data.size());
  EXPECT_EQ(bytes_of(p.server->read_view()), data);
  p.server->consume_read(data.size());
  EXPECT_TRUE(p.server->read_view().empty());
  EXPECT_EQ(p.server->readable(), 0u);
}

TEST(ZeroCopyRead, UnreadDataAccumulatesInOrderAcrossReceives) {
  Pair p = established();
  Bytes expect;
  uint8_t seed = 0;
  for (size_t size : {size_t{1}, size_t{1000}, record::kMaxPlaintext, size_t{17000}, size_t{7}}) {
    const Bytes data = pattern(size, seed++);
    ASSERT_TRUE(p.client->write(data).ok());
    ASSERT_TRUE(deliver(*p.client, *p.server, 0));
    expect.insert(expect.end(), data.begin(), data.end());
    ASSERT_EQ(bytes_of(p.server->read_view()), expect);
    // Consume a little each time, so unread data sits behind read data.
    const size_t n = std::min<size_t>(3, expect.size());
    p.server->consume_read(n);
    expect.erase(expect.begin(), expect.begin() + static_cast<std::ptrdiff_t>(n));
  }
  EXPECT_EQ(take_view(*p.server, 5000), expect);
}

TEST(ZeroCopyRead, ReleaseBuffersKeepsUnreadDataAndPendingOutput) {
  Pair p = established();
  // Unread data on the server, unsent output on the client, and half a record in flight.
  const Bytes first = pattern(20000, 3);
  ASSERT_TRUE(p.client->write(first).ok());
  ASSERT_TRUE(deliver(*p.client, *p.server, 0));
  const Bytes second = pattern(5000, 4);
  ASSERT_TRUE(p.client->write(second).ok());
  Bytes wire = bytes_of(p.client->output());
  p.client->consume_output(wire.size());
  ASSERT_TRUE(p.server->receive(ByteView(wire).first(wire.size() / 2)).ok());
  const Bytes third = pattern(300, 5);
  ASSERT_TRUE(p.client->write(third).ok());  // stays in the client's output for now

  p.server->release_buffers();
  p.client->release_buffers();
  EXPECT_EQ(bytes_of(p.server->read_view()), first);
  ASSERT_TRUE(p.server->receive(ByteView(wire).subspan(wire.size() / 2)).ok());
  ASSERT_TRUE(deliver(*p.client, *p.server, 0));
  Bytes expect = first;
  expect.insert(expect.end(), second.begin(), second.end());
  expect.insert(expect.end(), third.begin(), third.end());
  EXPECT_EQ(take_view(*p.server, 7000), expect);

  // Drained, released, and the connection goes on both ways.
  p.server->release_buffers();
  p.client->release_buffers();
  EXPECT_TRUE(p.server->read_view().empty());
  EXPECT_TRUE(p.client->output().empty());
  const Bytes reply = pattern(40000, 6);
  ASSERT_TRUE(p.server->write(reply).ok());
  ASSERT_TRUE(deliver(*p.server, *p.client, 1000));
  p.client->release_buffers();  // unread data stays
  EXPECT_EQ(take_view(*p.client, 4096), reply);
  EXPECT_EQ(p.client->state(), ConnectionState::kEstablished);
  EXPECT_EQ(p.server->state(), ConnectionState::kEstablished);
}

TEST(ZeroCopyRead, PartialConsumeAndReadShareOnePosition) {
  Pair p = established();
  const Bytes data = pattern(5000, 2);
  ASSERT_TRUE(p.client->write(data).ok());
  ASSERT_TRUE(deliver(*p.client, *p.server, 0));
  p.server->consume_read(1);
  ASSERT_EQ(p.server->read_view().size(), 4999u);
  EXPECT_EQ(p.server->read_view()[0], data[1]);
  p.server->consume_read(4000);
  uint8_t buf[10];
  ASSERT_EQ(p.server->read(buf), 10u);
  EXPECT_TRUE(std::equal(buf, buf + 10, data.begin() + 4001));
  EXPECT_EQ(bytes_of(p.server->read_view()), Bytes(data.begin() + 4011, data.end()));
  // Consuming more than there is takes what there is.
  p.server->consume_read(1 << 20);
  EXPECT_TRUE(p.server->read_view().empty());
  p.server->consume_read(5);
  EXPECT_EQ(p.server->read(buf), 0u);
}

TEST(ZeroCopyRead, RecordsSplitAcrossReceiveCalls) {
  // Byte by byte, across header boundaries, and one byte short of and past a whole record.
  for (size_t step : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{4096},
                      record::kHeaderLen + record::kMaxPlaintext + 16,
                      record::kHeaderLen + record::kMaxPlaintext + 18}) {
    SCOPED_TRACE(step);
    Pair p = established();
    const Bytes a = pattern(20000, 3);
    const Bytes b = pattern(10, 4);
    ASSERT_TRUE(p.client->write(a).ok());
    ASSERT_TRUE(p.client->write(b).ok());
    const Bytes expect = concat({a, b});
    Bytes wire = bytes_of(p.client->output());
    p.client->consume_output(wire.size());
    Bytes got;
    for (size_t off = 0; off < wire.size(); off += step) {
      const size_t n = std::min(step, wire.size() - off);
      ASSERT_TRUE(p.server->receive(ByteView(wire).subspan(off, n)).ok());
      // What is visible is always the next part of the stream.
      std::span<const uint8_t> v = p.server->read_view();
      ASSERT_LE(got.size() + v.size(), expect.size());
      ASSERT_TRUE(
          std::equal(v.begin(), v.end(), expect.begin() + static_cast<std::ptrdiff_t>(got.size())));
      // Consume half of it now and then, so the rest waits behind.
      if (v.size() > 3000) {
        got.insert(got.end(), v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2));
        p.server->consume_read(v.size() / 2);
      }
    }
    Bytes rest = take_view(*p.server, 1000);
    got.insert(got.end(), rest.begin(), rest.end());
    EXPECT_EQ(got, expect);
    EXPECT_EQ(p.server->state(), ConnectionState::kEstablished);
  }
}

TEST(ZeroCopyRead, KeyUpdateBetweenApplicationRecords) {
  for (size_t step : {size_t{0}, size_t{1}, size_t{5}, size_t{100}}) {
    SCOPED_TRACE(step);
    Pair p = established();
    const Bytes a = pattern(17000, 5);
    const Bytes b = pattern(300, 6);
    ASSERT_TRUE(p.client->write(a).ok());
    ASSERT_TRUE(p.client->key_update(true).ok());
    ASSERT_TRUE(p.client->write(b).ok());
    ASSERT_TRUE(deliver(*p.client, *p.server, step));
    EXPECT_EQ(p.server->key_updates_received(), 1u);
    EXPECT_EQ(bytes_of(p.server->read_view()), concat({a, b}));
    // The server answers the request with its own KeyUpdate before its next data.
    const Bytes c = pattern(40, 7);
    ASSERT_TRUE(p.server->write(c).ok());
    ASSERT_TRUE(deliver(*p.server, *p.client, step));
    EXPECT_EQ(p.client->key_updates_received(), 1u);
    EXPECT_EQ(take_view(*p.client, 7), c);
    // Both sides go on under the new keys, with the server's data still unread.
    const Bytes d = pattern(20, 8);
    ASSERT_TRUE(p.client->write(d).ok());
    ASSERT_TRUE(deliver(*p.client, *p.server, step));
    EXPECT_EQ(take_view(*p.server, 1 << 20), concat({a, b, d}));
  }
}

TEST(ZeroCopyRead, CloseNotifyAfterData) {
  for (size_t step : {size_t{0}, size_t{1}}) {
    SCOPED_TRACE(step);
    Pair p = established();
    const Bytes data = pattern(18000, 9);
    ASSERT_TRUE(p.server->write(data).ok());
    p.server->close();
    ASSERT_TRUE(deliver(*p.server, *p.client, step));
    EXPECT_TRUE(p.client->peer_closed());
    EXPECT_EQ(p.client->readable(), data.size());
    EXPECT_EQ(take_view(*p.client, 4096), data);
    p.client->close();
    EXPECT_EQ(p.client->state(), ConnectionState::kClosed);
  }
}

TEST(ZeroCopyRead, ProtectedRecordAfterCloseNotifyIsIgnored) {
  auto log = std::make_shared<MemoryKeyLog>();
  Pair p = established(log);
  const Bytes data = pattern(100, 10);
  ASSERT_TRUE(p.server->write(data).ok());
  p.server->close();
  Bytes wire = bytes_of(p.server->output());
  p.server->consume_output(wire.size());
  // One more application data record, correctly protected under the server's key with the next
  // sequence number (the data record was 0, close_notify 1), as a peer that ignores its own
  // close_notify would send.
  auto suite = conn::suite_info(crypto::openssl_provider(), p.client->cipher_suite());
  ASSERT_TRUE(suite.has_value());
  auto keys = handshake::traffic_keys(*suite->hash, suite->aead->key_len(),
                                      log->secrets.at("SERVER_TRAFFIC_SECRET_0"));
  ASSERT_TRUE(keys.ok());
  record::Protection prot;
  prot.aead = suite->aead;
  prot.key = std::move(suite->aead->new_key(keys->key.span())).value();
  std::copy_n(keys->iv.span().begin(), 12, prot.iv);
  prot.seq = 2;
  prot.application = true;
  record::RecordLayer late;
  late.set_write_protection(std::move(prot));
  const Bytes after = pattern(50, 11);
  ASSERT_TRUE(late.write(ContentType::application_data, after, wire).ok());
  ASSERT_TRUE(p.client->receive(wire).ok());
  EXPECT_TRUE(p.client->peer_closed());
  EXPECT_EQ(bytes_of(p.client->read_view()), data);
}

TEST(ZeroCopyRead, ViewStaysValidAcrossWriteAndOutput) {
  Pair p = established();
  const Bytes data = pattern(3000, 12);
  ASSERT_TRUE(p.client->write(data).ok());
  ASSERT_TRUE(deliver(*p.client, *p.server, 0));
  std::span<const uint8_t> v = p.server->read_view();
  ASSERT_TRUE(p.server->write(pattern(20000, 13)).ok());
  ASSERT_TRUE(p.server->key_update(false).ok());
  (void)p.server->output();
  p.server->consume_output(p.server->output().size());
  EXPECT_EQ(v.data(), p.server->read_view().data());
  EXPECT_EQ(bytes_of(v), data);
}

TEST(ZeroCopyRead, FailureKeepsEarlierDataAndLatches) {
  Pair p = established();
  const Bytes good = pattern(500, 14);
  ASSERT_TRUE(p.client->write(good).ok());
  ASSERT_TRUE(deliver(*p.client, *p.server, 0));
  ASSERT_TRUE(p.client->write(pattern(500, 15)).ok());
  Bytes wire = bytes_of(p.client->output());
  wire[20] ^= 1;
  // Byte by byte: the error comes with the last byte of the tampered record.
  Status last = Ok{};
  for (size_t i = 0; i < wire.size(); i++) {
    last = p.server->receive(ByteView(wire).subspan(i, 1));
    if (i + 1 < wire.size()) {
      ASSERT_TRUE(last.ok()) << i;
    }
  }
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.error().alert, AlertDescription::bad_record_mac);
  EXPECT_EQ(p.server->state(), ConnectionState::kFailed);
  EXPECT_FALSE(p.server->output().empty());  // the fatal alert
  EXPECT_EQ(bytes_of(p.server->read_view()), good);
  EXPECT_FALSE(p.server->receive(Bytes{23}).ok());
}

TEST(ZeroCopyRead, TraceSeesRecordsThatArrivedInPieces) {
  auto trace = std::make_shared<TraceRecorder>();
  Pair p = established(nullptr, trace);
  trace->events.clear();
  const Bytes data = pattern(17000, 16);
  ASSERT_TRUE(p.client->write(data).ok());
  const Bytes wire = bytes_of(p.client->output());
  ASSERT_TRUE(deliver(*p.client, *p.server, 3));
  EXPECT_EQ(take_view(*p.server, 1 << 20), data);
  Bytes traced_wire;
  Bytes traced_data;
  for (const TraceEvent& e : trace->events) {
    if (const auto* r = std::get_if<TraceRecord>(&e)) {
      EXPECT_TRUE(r->encrypted);
      traced_wire.insert(traced_wire.end(), r->wire.begin(), r->wire.end());
    } else if (const auto* d = std::get_if<TraceApplicationData>(&e)) {
      traced_data.insert(traced_data.end(), d->data.begin(), d->data.end());
    }
  }
  EXPECT_EQ(traced_wire, wire);
  EXPECT_EQ(traced_data, data);
}

TEST(ZeroCopyRead, NothingIsLostInAMixedConversation) {
  Pair p = established();
  // A fixed pseudo-random mix of write sizes, delivery steps, read styles and key updates, in
  // both directions.
  uint32_t state = 12345;
  auto next = [&state](uint32_t bound) {
    state = state * 1103515245 + 12345;
    return (state >> 8) % bound;
  };
  Bytes sent[2];
  Bytes got[2];
  Connection* side[2] = {&*p.client, &*p.server};
  for (int round = 0; round < 60; round++) {
    const int from = static_cast<int>(next(2));
    const int to = 1 - from;
    const Bytes data = pattern(next(40000), static_cast<uint8_t>(round));
    ASSERT_TRUE(side[from]->write(data).ok());
    sent[from].insert(sent[from].end(), data.begin(), data.end());
    if (next(5) == 0) {
      ASSERT_TRUE(side[from]->key_update(next(2) == 0).ok());
    }
    const size_t steps[] = {0, 1, 13, 1000, 16401, 16422};
    ASSERT_TRUE(deliver(*side[from], *side[to], steps[next(6)]));
    // Any KeyUpdate answer goes back at once.
    ASSERT_TRUE(deliver(*side[to], *side[from], 0));
    // Read some or all of what arrived, by view or by copy.
    const size_t want = next(3) == 0 ? side[to]->readable() : next(30000);
    if (next(2) == 0) {
      std::span<const uint8_t> v = side[to]->read_view();
      const size_t n = std::min(want, v.size());
      got[from].insert(got[from].end(), v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
      side[to]->consume_read(n);
    } else {
      Bytes buf(want);
      const size_t n = side[to]->read(buf);
      got[from].insert(got[from].end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }
  for (int s = 0; s < 2; s++) {
    Bytes rest = take_view(*side[1 - s], 9999);
    got[s].insert(got[s].end(), rest.begin(), rest.end());
    EXPECT_EQ(got[s], sent[s]) << s;
  }
  EXPECT_EQ(p.client->state(), ConnectionState::kEstablished);
  EXPECT_EQ(p.server->state(), ConnectionState::kEstablished);
}

}  // namespace
}  // namespace glasstls
