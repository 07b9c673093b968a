// redis_store.cc: redis_session_store and redis_anti_replay (glasstls/redis.h) over hiredis's
// blocking API, with a small pool of connections, a timeout on connecting and on each command,
// and a back-off after a failure shared by the pool. Built without hiredis, the functions say
// so.
#include <string>

#include "glasstls/redis.h"

#if GLASSTLS_HAVE_HIREDIS

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

namespace glasstls {
namespace {

uint64_t steady_ms() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

timeval to_timeval(uint32_t ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

// SigpipeGuard blocks SIGPIPE in this thread while hiredis writes to a socket whose peer may
// have gone (hiredis writes with write(), which raises SIGPIPE and would end the process), and
// drops a SIGPIPE raised meanwhile. The rest of the process keeps its own disposition.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &old_);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        timespec zero{};
        sigtimedwait(&pipe, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t old_{};
  bool was_pending_ = false;
};

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// RedisPool runs one command at a time on each of its connections.
class RedisPool {
 public:
  explicit RedisPool(RedisOptions options) : options_(std::move(options)) {
    for (uint32_t i = 0; i < options_.connections; i++) {
      slots_.push_back(std::make_unique<Slot>());
    }
  }
  ~RedisPool() {
    for (auto& slot : slots_) {
      if (slot->ctx != nullptr) {
        redisFree(slot->ctx);
      }
    }
  }
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  const RedisOptions& options() const { return options_; }

  // command sends `args` and returns Redis's reply, or null when there is none: Redis could
  // not be reached or did not answer in time (the connection is then dropped and the pool
  // backs off), or the pool is backing off after such a failure.
  Reply command(std::initializer_list<std::string_view> args) {
    if (steady_ms() < retry_at_ms_.load(std::memory_order_acquire)) {
      return nullptr;
    }
    Slot& slot = pick();
    std::lock_guard<std::mutex> lock(slot.mu, std::adopt_lock);
    // A wait for the slot may have outlasted a failure of another call.
    if (steady_ms() < retry_at_ms_.load(std::memory_order_acquire)) {
      return nullptr;
    }
    SigpipeGuard guard;
    if (slot.ctx == nullptr && !connect(slot)) {
      failed();
      return nullptr;
    }
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (std::string_view a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(slot.ctx, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (reply == nullptr || slot.ctx->err != 0) {
      if (reply != nullptr) {
        freeReplyObject(reply);
      }
      redisFree(slot.ctx);
      slot.ctx = nullptr;
      failed();
      return nullptr;
    }
    succeeded();
    return Reply(reply);
  }

 private:
  struct Slot {
    std::mutex mu;
    redisContext* ctx = nullptr;
  };

  // pick locks and returns a free slot if there is one, else waits for the next in turn.
  Slot& pick() {
    size_t start = next_.fetch_add(1, std::memory_order_relaxed);
    for (size_t i = 0; i < slots_.size(); i++) {
      Slot& s = *slots_[(start + i) % slots_.size()];
      if (s.mu.try_lock()) {
        return s;
      }
    }
    Slot& s = *slots_[start % slots_.size()];
    s.mu.lock();
    return s;
  }

  bool connect(Slot& slot) {
    redisContext* ctx = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                                to_timeval(options_.timeout_ms));
    if (ctx == nullptr) {
      return false;
    }
    if (ctx->err != 0 || redisSetTimeout(ctx, to_timeval(options_.timeout_ms)) != REDIS_OK) {
      redisFree(ctx);
      return false;
    }
    if (options_.db != 0) {
      std::string db = std::to_string(options_.db);
      const char* argv[] = {"SELECT", db.c_str()};
      const size_t lens[] = {6, db.size()};
      auto* reply = static_cast<redisReply*>(redisCommandArgv(ctx, 2, argv, lens));
      bool ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
      if (reply != nullptr) {
        freeReplyObject(reply);
      }
      if (!ok) {
        redisFree(ctx);
        return false;
      }
    }
    slot.ctx = ctx;
    return true;
  }

  void failed() {
    std::lock_guard<std::mutex> lock(backoff_mu_);
    backoff_ms_ = backoff_ms_ == 0 ? options_.min_backoff_ms
                                   : std::min(backoff_ms_ * 2, options_.max_backoff_ms);
    retry_at_ms_.store(steady_ms() + backoff_ms_, std::memory_order_release);
  }
  void succeeded() {
    if (retry_at_ms_.load(std::memory_order_relaxed) == 0) {
      return;
    }
    std::lock_guard<std::mutex> lock(backoff_mu_);
    backoff_ms_ = 0;
    retry_at_ms_.store(0, std::memory_order_release);
  }

  RedisOptions options_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<size_t> next_{0};
  std::mutex backoff_mu_;
  uint32_t backoff_ms_ = 0;
  std::atomic<uint64_t> retry_at_ms_{0};
};

std::string_view as_view(std::span<const uint8_t> bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::optional<Bytes> string_of(const Reply& reply) {
  if (!reply || reply->type != REDIS_REPLY_STRING) {
    return std::nullopt;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(reply->str);
  return Bytes(p, p + reply->len);
}

class RedisSessionStore final : public ServerSessionStore {
 public:
  explicit RedisSessionStore(const RedisOptions& options) : pool_(options) {}

  bool put(std::span<const uint8_t> id, std::span<const uint8_t> state,
           uint32_t lifetime_s) override {
    if (id.empty() || lifetime_s == 0) {
      return false;
    }
    std::string key = key_of(id);
    std::string px = std::to_string(static_cast<uint64_t>(lifetime_s) * 1000);
    Reply reply = pool_.command({"SET", key, as_view(state), "PX", px});
    return reply && reply->type == REDIS_REPLY_STATUS;
  }

  std::optional<Bytes> get(std::span<const uint8_t> id) override {
    if (id.empty()) {
      return std::nullopt;
    }
    return string_of(pool_.command({"GET", key_of(id)}));
  }

  std::optional<Bytes> take(std::span<const uint8_t> id) override {
    if (id.empty()) {
      return std::nullopt;
    }
    std::string key = key_of(id);
    if (!use_script_.load(std::memory_order_relaxed)) {
      Reply reply = pool_.command({"GETDEL", key});
      if (!reply || reply->type != REDIS_REPLY_ERROR) {
        return string_of(reply);
      }
      if (std::string_view(reply->str, reply->len).find("unknown command") ==
          std::string_view::npos) {
        return std::nullopt;
      }
      // Redis before 6.2: the same, atomically, in a script.
      use_script_.store(true, std::memory_order_relaxed);
    }
    constexpr std::string_view kGetDel =
        "local v = redis.call('GET', KEYS[1]) "
        "if v then redis.call('DEL', KEYS[1]) end "
        "return v";
    return string_of(pool_.command({"EVAL", kGetDel, "1", key}));
  }

  void remove(std::span<const uint8_t> id) override {
    if (!id.empty()) {
      pool_.command({"DEL", key_of(id)});
    }
  }

 private:
  std::string key_of(std::span<const uint8_t> id) const {
    return pool_.options().prefix + "session:" + std::string(as_view(id));
  }

  RedisPool pool_;
  std::atomic<bool> use_script_{false};
};

class RedisAntiReplay final : public AntiReplay {
 public:
  explicit RedisAntiReplay(const RedisOptions& options) : pool_(options) {}

  bool first_use(std::span<const uint8_t> key, uint32_t window_s) override {
    if (key.empty() || window_s == 0) {
      return false;
    }
    std::string k = pool_.options().prefix + "replay:" + std::string(as_view(key));
    std::string px = std::to_string(static_cast<uint64_t>(window_s) * 1000);
    Reply reply = pool_.command({"SET", k, "1", "NX", "PX", px});
    // OK: set, so the first use; nil: already there; anything else: cannot say.
    return reply && reply->type == REDIS_REPLY_STATUS &&
           std::string_view(reply->str, reply->len) == "OK";
  }

 private:
  RedisPool pool_;
};

}  // namespace
}  // namespace glasstls

#endif  // GLASSTLS_HAVE_HIREDIS

namespace glasstls {
namespace {

Status check_options(const RedisOptions& options) {
  auto bad = [](const char* why) {
    return Error{ErrorKind::kBadConfig, AlertDescription::internal_error,
                 std::string("Redis options: ") + why};
  };
  if (!redis_supported()) {
    return Error{ErrorKind::kBadConfig, AlertDescription::internal_error,
                 "glasstls was built without hiredis (install libhiredis-dev and build again): "
                 "no Redis session store or anti-replay record"};
  }
  if (options.host.empty()) {
    return bad("the host is empty");
  }
  if (options.port == 0) {
    return bad("the port is 0");
  }
  if (options.timeout_ms == 0) {
    return bad("the timeout is 0");
  }
  if (options.connections == 0) {
    return bad("the pool has no connections");
  }
  if (options.min_backoff_ms > options.max_backoff_ms) {
    return bad("min_backoff_ms is above max_backoff_ms");
  }
  return Ok{};
}

}  // namespace

#if GLASSTLS_HAVE_HIREDIS
bool redis_supported() { return true; }
#else
bool redis_supported() { return false; }
#endif

Result<std::shared_ptr<ServerSessionStore>> redis_session_store(const RedisOptions& options) {
  if (Status s = check_options(options); !s.ok()) {
    return std::move(s).error();
  }
#if GLASSTLS_HAVE_HIREDIS
  return std::shared_ptr<ServerSessionStore>(std::make_shared<RedisSessionStore>(options));
#else
  return Error{};  // not reached: check_options refuses
#endif
}

Result<std::shared_ptr<AntiReplay>> redis_anti_replay(const RedisOptions& options) {
  if (Status s = check_options(options); !s.ok()) {
    return std::move(s).error();
  }
#if GLASSTLS_HAVE_HIREDIS
  return std::shared_ptr<AntiReplay>(std::make_shared<RedisAntiReplay>(options));
#else
  return Error{};  // not reached: check_options refuses
#endif
}

}  // namespace glasstls
