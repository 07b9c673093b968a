// tls13_testing.h: test support for the handshake state machines. A StatePair drives a client
// (client/tls13.h) and a server (server/tls13.h) state machine directly, each with its own
// Context, without a Connection: records go from one Context's output to the other's record
// layer, and each handshake message in them to the state handler.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "client/tls13.h"
#include "server/tls13.h"

namespace glasstls::conn::testing {

// server_config and client_config build a configuration, failing the test when build() does.
inline std::shared_ptr<const ServerConfig> server_config(ServerConfig::Builder b) {
  auto c = b.build();
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().to_string());
  return c.ok() ? *c : nullptr;
}
inline std::shared_ptr<const ClientConfig> client_config(ClientConfig::Builder b) {
  auto c = b.build();
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().to_string());
  return c.ok() ? *c : nullptr;
}

// server_context makes a server Context as Connection::server does.
inline std::unique_ptr<Context> server_context(std::shared_ptr<const ServerConfig> config) {
  auto cx = std::make_unique<Context>();
  cx->is_client = false;
  cx->provider = config->provider != nullptr ? config->provider : &crypto::openssl_provider();
  cx->key_log = config->key_log.get();
  cx->server_config = std::move(config);
  return cx;
}

// client_context makes a client Context as Connection::client does, before client_start.
inline std::unique_ptr<Context> client_context(std::shared_ptr<const ClientConfig> config,
                                               std::string server_name) {
  auto cx = std::make_unique<Context>();
  cx->is_client = true;
  cx->provider = config->provider != nullptr ? config->provider : &crypto::openssl_provider();
  cx->key_log = config->key_log.get();
  cx->client_config = std::move(config);
  cx->negotiated.server_name = std::move(server_name);
  return cx;
}

// take_output removes what `from` has queued to send and returns it.
inline Bytes take_output(Context& from) {
  ByteView out = from.out.view().subspan(from.out_start);
  Bytes wire(out.begin(), out.end());
  from.out_start = from.out.size();
  return wire;
}

// deliver reads the records of `wire` with the record layer of `to` (which opens them once
// its state handlers have installed a read key), drops change_cipher_spec records, and hands
// each handshake message to `handle`, in order. Returns the first error.
inline Status deliver(Bytes wire, Context& to,
                      const std::function<Status(const msgs::HandshakeMessage&)>& handle) {
  Bytes pending;
  size_t off = 0;
  while (off < wire.size()) {
    record::Record rec;
    GLASSTLS_ASSIGN(size_t used, to.record.read_record(std::span<uint8_t>(wire).subspan(off), rec));
    if (used == 0) {
      return internal_error("a truncated record");
    }
    off += used;
    if (rec.type == ContentType::change_cipher_spec) {
      continue;
    }
    if (rec.type != ContentType::handshake) {
      return internal_error("a record that is not a handshake record");
    }
    pending.insert(pending.end(), rec.fragment.begin(), rec.fragment.end());
    size_t pos = 0;
    while (pending.size() - pos >= 4) {
      size_t len =
          (size_t{pending[pos + 1]} << 16) | (size_t{pending[pos + 2]} << 8) | pending[pos + 3];
      if (pending.size() - pos < 4 + len) {
        break;
      }
      const ByteView all(pending);
      msgs::HandshakeMessage m{static_cast<HandshakeType>(pending[pos]), all.subspan(pos + 4, len),
                               all.subspan(pos, 4 + len)};
      GLASSTLS_TRY(handle(m));
      pos += 4 + len;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<ptrdiff_t>(pos));
  }
  return Ok{};
}

// StatePair is a client and a server state machine that talk to each other.
struct StatePair {
  std::unique_ptr<Context> client;
  std::unique_ptr<Context> server;
  ClientState client_state;
  ServerState server_state = server_start();

  // StatePair starts the client (its ClientHello is then queued); `start` holds the result.
  StatePair(std::shared_ptr<const ClientConfig> client_config,
            std::shared_ptr<const ServerConfig> server_config, std::string server_name)
      : client(client_context(std::move(client_config), std::move(server_name))),
        server(server_context(std::move(server_config))) {
    Result<ClientState> s = client_start(*client);
    if (s.ok()) {
      client_state = std::move(s).value();
    } else {
      start = std::move(s).error();
    }
  }
  Status start = Ok{};

  // to_server delivers what the client queued to the server state machine.
  Status to_server() { return to_server(take_output(*client)); }
  Status to_server(Bytes wire) {
    return deliver(std::move(wire), *server, [this](const msgs::HandshakeMessage& m) -> Status {
      GLASSTLS_ASSIGN(server_state, server_handle(std::move(server_state), *server, m));
      return Ok{};
    });
  }
  // to_client delivers what the server queued to the client state machine.
  Status to_client() { return to_client(take_output(*server)); }
  Status to_client(Bytes wire) {
    return deliver(std::move(wire), *client, [this](const msgs::HandshakeMessage& m) -> Status {
      GLASSTLS_ASSIGN(client_state, client_handle(std::move(client_state), *client, m));
      return Ok{};
    });
  }
};

// handshake_message frames `body` as a handshake message of `type` for a state handler;
// `encoded` holds the bytes the message views.
inline msgs::HandshakeMessage handshake_message(HandshakeType type, ByteView body, Bytes& encoded) {
  encoded = {static_cast<uint8_t>(type), static_cast<uint8_t>(body.size() >> 16),
             static_cast<uint8_t>(body.size() >> 8), static_cast<uint8_t>(body.size())};
  encoded.insert(encoded.end(), body.begin(), body.end());
  const ByteView all(encoded);
  return msgs::HandshakeMessage{type, all.subspan(4), all};
}

// as_message is handshake_message for an encoded message (header included).
inline msgs::HandshakeMessage as_message(const Bytes& encoded) {
  const ByteView all(encoded);
  return msgs::HandshakeMessage{static_cast<HandshakeType>(encoded[0]), all.subspan(4), all};
}

}  // namespace glasstls::conn::testing
