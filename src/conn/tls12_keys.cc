#include "conn/tls12_keys.h"

#include <algorithm>
#include <string>

#include "handshake/tls12_key_schedule.h"

namespace glasstls::conn {

msgs::WalkContext tls12_layout(const crypto::SuiteRow& row) {
  return msgs::WalkContext{ProtocolVersion::TLSv1_2, row.kx == crypto::SuiteKx::kDhe
                                                         ? msgs::KeyExchangeKind::kDhe
                                                         : msgs::KeyExchangeKind::kEcdhe};
}

Secret tls12_pre_master_secret(const crypto::SuiteRow& row, Secret shared) {
  if (row.kx != crypto::SuiteKx::kDhe) {
    return shared;
  }
  //= https://www.rfc-editor.org/rfc/rfc5246#section-8.1.2
  //# A conventional Diffie-Hellman computation is performed.  The
  //# negotiated key (Z) is used as the pre_master_secret, and is converted
  //# into the master_secret, as specified above.  Leading bytes of Z that
  //# contain all zero bits are stripped before it is used as the
  //# pre_master_secret.
  ByteView z = shared.span();
  size_t zeros = 0;
  while (zeros < z.size() && z[zeros] == 0) {
    zeros++;
  }
  if (zeros == 0) {
    return shared;
  }
  return Secret(z.subspan(zeros));
}

Result<Secret> tls12_master_secret(Context& cx, ByteView pre_master_secret, bool extended,
                                   ByteView session_hash, ByteView client_random,
                                   ByteView server_random) {
  const crypto::Hash& hash = *cx.suite.hash;
  Secret master;
  if (extended) {
    GLASSTLS_ASSIGN(
        master, handshake::tls12::extended_master_secret(hash, pre_master_secret, session_hash));
    if (cx.tracer) {
      cx.tracer->key_step("extended master secret",
                          "PRF(pre_master_secret, \"extended master secret\", session_hash)[48]",
                          pre_master_secret, session_hash, master.span(),
                          TraceDerivation::kTls12Prf, &hash, "extended master secret");
    }
  } else {
    Bytes seed(client_random.begin(), client_random.end());
    seed.insert(seed.end(), server_random.begin(), server_random.end());
    GLASSTLS_ASSIGN(master, handshake::tls12::master_secret(hash, pre_master_secret, client_random,
                                                            server_random));
    if (cx.tracer) {
      cx.tracer->key_step("master secret",
                          "PRF(pre_master_secret, \"master secret\", client_random + "
                          "server_random)[48]",
                          pre_master_secret, seed, master.span(), TraceDerivation::kTls12Prf, &hash,
                          "master secret");
    }
  }
  cx.log_secret("CLIENT_RANDOM", master.span());
  cx.tls12->randoms.assign(client_random.begin(), client_random.end());
  cx.tls12->randoms.insert(cx.tls12->randoms.end(), server_random.begin(), server_random.end());
  cx.tls12->extended_master_secret = extended;
  return master;
}

void tls12_resumed_master_secret(Context& cx, ByteView master_secret, ByteView client_random,
                                 ByteView server_random) {
  if (cx.tracer) {
    cx.tracer->key_step("extended master secret (resumed)",
                        "the master secret of the session resumed, made by an earlier handshake",
                        {}, {}, master_secret);
  }
  cx.log_secret("CLIENT_RANDOM", master_secret);
  cx.tls12->randoms.assign(client_random.begin(), client_random.end());
  cx.tls12->randoms.insert(cx.tls12->randoms.end(), server_random.begin(), server_random.end());
  cx.tls12->extended_master_secret = true;
}

Result<Tls12PendingKeys> tls12_record_keys(Context& cx, ByteView master_secret,
                                           ByteView client_random, ByteView server_random,
                                           bool encrypt_then_mac) {
  const crypto::SuiteRow& row = *cx.suite.row;
  const size_t len = record::tls12_key_block_len(row);
  GLASSTLS_ASSIGN(Secret block, handshake::tls12::key_block(*cx.suite.hash, master_secret,
                                                            server_random, client_random, len));
  if (cx.tracer) {
    Bytes seed(server_random.begin(), server_random.end());
    seed.insert(seed.end(), client_random.begin(), client_random.end());
    cx.tracer->key_step("key block",
                        "PRF(master_secret, \"key expansion\", server_random + client_random)[" +
                            std::to_string(len) + "]",
                        master_secret, seed, block.span(), TraceDerivation::kTls12Prf,
                        cx.suite.hash, "key expansion");
  }
  GLASSTLS_ASSIGN(const record::Tls12KeyBlock keys,
                  record::split_tls12_key_block(row, block.span()));
  if (cx.tracer) {
    //= https://www.rfc-editor.org/rfc/rfc5246#section-6.3
    //# Then, the key_block is
    //# partitioned as follows:
    const std::pair<const char*, const Secret*> parts[] = {
        {"client_write_MAC_key", &keys.client_mac_key},
        {"server_write_MAC_key", &keys.server_mac_key},
        {"client_write_key", &keys.client_key},
        {"server_write_key", &keys.server_key},
        {"client_write_IV", &keys.client_iv},
        {"server_write_IV", &keys.server_iv}};
    size_t at = 0;
    for (const auto& [part, value] : parts) {
      const size_t n = value->span().size();
      if (n == 0) {
        continue;
      }
      cx.tracer->key_step(part,
                          "key_block[" + std::to_string(at) + ".." + std::to_string(at + n - 1) +
                              "] (" + std::to_string(n) + " bytes)",
                          {}, {}, value->span());
      at += n;
    }
  }
  const bool keep = cx.tracer && cx.tracer->secrets();
  cx.tls12->encrypt_then_mac = encrypt_then_mac;
  // Each protector is made in place, in the struct returned: moving a Result of one through
  // locals makes g++ 12 warn (wrongly) that the variant may be used uninitialized.
  Result<Tls12PendingKeys> out{Tls12PendingKeys{}};
  GLASSTLS_ASSIGN(
      out->client_write,
      record::make_tls12_protector(*cx.provider, row, keys.client_mac_key, keys.client_key,
                                   keys.client_iv.span(), encrypt_then_mac, "client write", keep));
  GLASSTLS_ASSIGN(
      out->server_write,
      record::make_tls12_protector(*cx.provider, row, keys.server_mac_key, keys.server_key,
                                   keys.server_iv.span(), encrypt_then_mac, "server write", keep));
  return out;
}

void tls12_install_write(Context& cx, record::RecordProtector p) {
  cx.record.set_rules(record::kTls12Rules);
  cx.record.set_write_protector(std::move(p));
}

void tls12_install_read(Context& cx, record::RecordProtector p) {
  cx.record.set_rules(record::kTls12Rules);
  cx.record.set_read_protector(std::move(p));
  cx.read_key_changed = true;
}

Result<Secret> tls12_verify_data(Context& cx, ByteView master_secret, bool client,
                                 ByteView transcript_hash) {
  GLASSTLS_ASSIGN(Secret vd, handshake::tls12::verify_data(*cx.suite.hash, master_secret, client,
                                                           transcript_hash));
  if (cx.tracer) {
    cx.tracer->key_step(client ? "client Finished verify_data" : "server Finished verify_data",
                        std::string("PRF(master_secret, \"") +
                            (client ? "client finished" : "server finished") +
                            "\", Hash(handshake_messages))[12]",
                        master_secret, transcript_hash, vd.span(), TraceDerivation::kTls12Prf,
                        cx.suite.hash, client ? "client finished" : "server finished");
  }
  return vd;
}

Bytes tls12_signed_params(Context& cx, ByteView client_random, ByteView server_random,
                          ByteView params) {
  Bytes out;
  out.reserve(client_random.size() + server_random.size() + params.size());
  out.insert(out.end(), client_random.begin(), client_random.end());
  out.insert(out.end(), server_random.begin(), server_random.end());
  out.insert(out.end(), params.begin(), params.end());
  if (cx.tracer) {
    cx.tracer->key_step("ServerKeyExchange signed content",
                        "client_random || server_random || params", {}, {}, out);
  }
  return out;
}

ByteView tls12_certificate_verify_input(Context& cx, ByteView handshake_messages) {
  if (cx.tracer) {
    cx.tracer->key_step("client CertificateVerify signed content",
                        "handshake_messages: every handshake message from ClientHello up to "
                        "CertificateVerify",
                        {}, {}, handshake_messages);
  }
  return handshake_messages;
}

Status send_change_cipher_spec(Context& cx) {
  //= https://www.rfc-editor.org/rfc/rfc5246#section-7.1
  //# The message consists of a single byte of value 1.
  static const uint8_t kCcs[1] = {1};
  GLASSTLS_TRY(cx.record.write(ContentType::change_cipher_spec, ByteView(kCcs, 1), cx.out));
  cx.note(true, "ChangeCipherSpec: what follows from this side is protected with the new keys");
  return Ok{};
}

}  // namespace glasstls::conn
