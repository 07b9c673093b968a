// narrative.cc: the narrative of each handshake message and alert (narrative.h).
#include "trace/narrative.h"

#include <string>
#include <string_view>
#include <vector>

#include "trace/render_common.h"

namespace glasstls::render {
namespace {

bool from_client_side(TraceDirection d) { return d == TraceDirection::kClientToServer; }

const TraceField* child(const TraceField& f, std::string_view name) {
  for (const TraceField& c : f.children) {
    if (c.name == name) {
      return &c;
    }
  }
  return nullptr;
}

// find is the first field named `name` under `f`, depth first.
const TraceField* find(const TraceField& f, std::string_view name) {
  for (const TraceField& c : f.children) {
    if (c.name == name) {
      return &c;
    }
    if (const TraceField* deeper = find(c, name)) {
      return deeper;
    }
  }
  return nullptr;
}

// extension is the extensions[i] entry of `root` whose meaning is `name` ("key_share").
const TraceField* extension(const TraceField& root, std::string_view name) {
  const TraceField* list = child(root, "extensions");
  if (list == nullptr) {
    return nullptr;
  }
  for (const TraceField& e : list->children) {
    if (e.name.starts_with("extensions[") && e.meaning == name) {
      return &e;
    }
  }
  return nullptr;
}

std::string meaning(const TraceField* f) { return f == nullptr ? std::string() : f->meaning; }

// extension_meaning is what an extension's data says, as the view words it ("x25519").
std::string extension_meaning(const TraceField& root, std::string_view name) {
  const TraceField* e = extension(root, name);
  return e == nullptr ? std::string() : meaning(child(*e, "extension_data"));
}

bool offers(const TraceField& root, std::string_view name) {
  return extension(root, name) != nullptr;
}

// session_id is the hex of a hello's session ID field `name`, "" when it is absent or empty.
std::string session_id(const TraceField& tree, const char* name) {
  const TraceField* f = child(tree, name);
  if (f == nullptr || f->children.size() < 2) {
    return "";
  }
  return f->children[1].value;
}

// resumes12 says whether the TLS 1.2 ServerHello `m` echoes the session ID the client offered:
// it resumes that session (RFC 5246 section 7.4.1.3).
bool resumes12(const TraceMessage& m, const StoryState& st) {
  const std::string echo = session_id(m.tree, "legacy_session_id_echo");
  return !echo.empty() && echo == st.client_session_id && !offers(m.tree, "supported_versions");
}

std::string client_hello(const TraceMessage& m, const StoryState& st) {
  const std::string suites = meaning(child(m.tree, "cipher_suites"));
  std::string s = st.hello_retry ? "The client sends its ClientHello again, as the server asked: "
                                   "the same offer, now with a key share in the group the server "
                                   "named. "
                                 : "The client opens the handshake, in the clear. ";
  if (!st.hello_retry) {
    s += "It sends 32 fresh random bytes (client_random, which every key of this connection "
         "will depend on), the cipher suites it accepts, most preferred first";
    s += suites.empty() ? "" : " (" + suites + ")";
    s += ", and extensions that say what else it can do.";
  }
  const std::string versions = extension_meaning(m.tree, "supported_versions");
  const std::string shares = extension_meaning(m.tree, "key_share");
  const std::string name = extension_meaning(m.tree, "server_name");
  if (!name.empty()) {
    s += " server_name names the site it wants (" + name +
         "), so that a server hosting several can pick the right certificate.";
  }
  if (!versions.empty()) {
    s += " supported_versions lists the versions it speaks (" + versions +
         "); legacy_version stays at TLS 1.2 because some old servers and middleboxes break on "
         "anything newer.";
  }
  if (!shares.empty()) {
    s += " key_share already carries public keys made for this connection alone (" + shares +
         "): if the server can use one, both sides have a shared secret after a single round "
         "trip, and everything after the ServerHello can be encrypted.";
  }
  if (offers(m.tree, "pre_shared_key")) {
    s += " Last comes pre_shared_key: a ticket from an earlier connection with this server, and "
         "a binder, an HMAC over this ClientHello keyed from the ticket's secret, which proves "
         "the client holds that secret without showing it. If the server takes the ticket, the "
         "session is resumed and no certificate is needed.";
  }
  if (!st.client_offers_tls13 || offers(m.tree, "extended_master_secret")) {
    std::vector<std::string> tls12;
    if (offers(m.tree, "extended_master_secret")) {
      tls12.push_back(
          "extended_master_secret (RFC 7627: the master secret will cover the whole handshake, "
          "so a man in the middle cannot make two connections share one)");
    }
    if (offers(m.tree, "renegotiation_info")) {
      tls12.push_back(
          "an empty renegotiation_info (RFC 5746: this is a first handshake, and the client "
          "is safe against renegotiation attacks)");
    }
    if (offers(m.tree, "encrypt_then_mac")) {
      tls12.push_back(
          "encrypt_then_mac (RFC 7366: for CBC suites, the MAC is computed over the ciphertext, "
          "which closes the padding-oracle attacks)");
    }
    if (!tls12.empty()) {
      s += std::string(st.client_offers_tls13 ? " For a server that only speaks TLS 1.2 it also "
                                                "offers "
                                              : " For TLS 1.2 it offers ") +
           join(tls12) + ".";
    }
  }
  return s;
}

std::string server_hello(const TraceMessage& m, const StoryState& st) {
  const std::string suite = meaning(child(m.tree, "cipher_suite"));
  if (m.tree.name == "HelloRetryRequest") {
    const std::string group = extension_meaning(m.tree, "key_share");
    return "A HelloRetryRequest: the server accepts the client's offer but none of its key "
           "shares. It names the group it wants" +
           (group.empty() ? std::string() : " (" + group + ")") +
           " and waits for a second ClientHello. The transcript now starts with a hash of the "
           "first ClientHello instead of the message itself.";
  }
  const bool tls13 = offers(m.tree, "supported_versions");
  if (tls13 && offers(m.tree, "pre_shared_key")) {
    const std::string group = extension_meaning(m.tree, "key_share");
    return "The server chooses TLS 1.3 and " + suite +
           ", and takes the ticket the client offered (pre_shared_key says which): the session is "
           "resumed. The key schedule starts from the ticket's secret instead of zeros, and a "
           "fresh key exchange" +
           (group.empty() ? std::string() : " in " + group) +
           " still runs beside it, so this connection's keys stay secret even if the ticket's "
           "secret leaks later. No Certificate or CertificateVerify follows: knowing the "
           "ticket's secret, proven by the Finished messages, is the authentication.";
  }
  if (tls13) {
    const std::string group = extension_meaning(m.tree, "key_share");
    return "The server chooses TLS 1.3 (in supported_versions; legacy_version says TLS 1.2 for "
           "the middleboxes' sake) and " +
           suite + ", and sends its own random bytes and its public key" +
           (group.empty() ? std::string() : " in " + group) +
           ". Each side now combines its own private key with the other's public key and gets "
           "the same (EC)DHE shared secret, which no eavesdropper can compute. From it come the "
           "handshake traffic keys: every message after this one is encrypted.";
  }
  if (resumes12(m, st)) {
    return "The server chooses TLS 1.2 and " + suite +
           ", and echoes the session ID the client offered: it resumes the session the client "
           "asked for (by that ID, or by the ticket in its session_ticket extension) with the "
           "abbreviated handshake. No Certificate and no key exchange follow: both sides derive "
           "this connection's keys from the session's master secret and the two new randoms, "
           "and go straight to ChangeCipherSpec and Finished, the server first. Only someone who "
           "knows that master secret can compute those Finished messages.";
  }
  std::string s = "The server chooses TLS 1.2 and " + suite +
                  ", and sends its own 32 random bytes (server_random). In TLS 1.2 the whole "
                  "handshake up to the Finished messages travels in the clear.";
  if (st.client_offers_tls13) {
    s += " The client also offered TLS 1.3, so the last 8 bytes of server_random are the "
         "downgrade sentinel \"DOWNGRD\" 01 (RFC 8446 section 4.1.3): a TLS 1.3 client that "
         "sees them knows an attacker did not force the older version on it.";
  }
  std::vector<std::string> accepted;
  if (offers(m.tree, "extended_master_secret")) {
    accepted.push_back("extended_master_secret");
  }
  if (offers(m.tree, "encrypt_then_mac")) {
    accepted.push_back("encrypt_then_mac");
  }
  if (offers(m.tree, "renegotiation_info")) {
    accepted.push_back("renegotiation_info (secure renegotiation, which glasstls then refuses)");
  }
  if (!accepted.empty()) {
    s += " It confirms the extensions it accepts: " + join(accepted) + ".";
  }
  return s;
}

std::string certificate(const TraceMessage& m, const StoryState& st) {
  const std::string count = meaning(child(m.tree, "certificate_list"));
  const bool client = from_client_side(m.direction);
  std::string s = client ? "The client sends its certificate chain because the server asked "
                           "for one"
                         : "The server sends its certificate chain";
  s += count.empty() ? "" : " (" + count + ")";
  s += ", its own certificate first. The receiver checks that each certificate is signed by the "
       "next, up to a certificate authority it trusts, and that the first one names the peer it "
       "meant to reach. The certificate binds that name to a public key; the next message proves "
       "the sender holds the matching private key.";
  if (st.version == 12) {
    s += " In TLS 1.2 this message is not encrypted: anyone on the path can read it.";
  } else if (st.version == 13) {
    s += " In TLS 1.3 it is encrypted under the handshake traffic key.";
  }
  return s;
}

std::string certificate_verify(const TraceMessage& m, const StoryState& st) {
  const std::string scheme = meaning(child(m.tree, "algorithm"));
  const std::string role = from_client_side(m.direction) ? "client" : "server";
  if (st.version == 12) {
    return "The client proves it holds the private key of the certificate it just sent: it "
           "signs every handshake message so far with it" +
           (scheme.empty() ? std::string() : " (" + scheme + ")") +
           ". The server checks the signature with the certificate's public key.";
  }
  return "The " + role +
         " proves it holds the private key of the certificate it just sent: it "
         "signs the hash of the handshake so far" +
         (scheme.empty() ? std::string() : " with " + scheme) +
         ". The signed content starts with 64 spaces and a context string naming the " + role +
         ", so a signature made here cannot be replayed anywhere else. The signed bytes are "
         "spelled out below.";
}

std::string finished(const TraceMessage& m, const StoryState& st) {
  const std::string role = from_client_side(m.direction) ? "client" : "server";
  std::string s = "The " + role +
                  " proves that it saw the same handshake as its peer, byte for byte: verify_data ";
  if (st.version == 12) {
    s += "is PRF(master_secret, \"" + role +
         " finished\", hash of every handshake message so far), 12 bytes. It is the first "
         "message sent under the new keys, after ChangeCipherSpec. Had anyone changed a "
         "message on the way (to weaken the chosen suite, say), the values would differ and the "
         "handshake would fail.";
  } else {
    s += "is an HMAC of the transcript hash under a key derived from the " + role +
         "'s handshake traffic secret. Had anyone changed a message on the way, the values "
         "would differ and the handshake would fail.";
    if (!from_client_side(m.direction)) {
      s += " After it, the server can already send application data.";
    }
  }
  s += " How verify_data is computed is spelled out below.";
  return s;
}

std::string server_key_exchange(const TraceMessage& m) {
  const TraceField* params = child(m.tree, "params");
  const bool dhe = params != nullptr && child(*params, "dh_p") != nullptr;
  const std::string scheme = meaning(find(m.tree, "algorithm"));
  std::string s =
      dhe ? "The server sends its Diffie-Hellman parameters: the prime p and generator g of the "
            "group, and its public value Ys = g^(server private key) mod p. "
          : "The server sends its ephemeral key exchange parameters: the curve, and its public "
            "key made for this connection alone. ";
  s += "It signs them" + (scheme.empty() ? std::string() : " (" + scheme + ")") +
       " with its certificate's key, over client_random || server_random || params, so they "
       "are bound to this handshake and cannot be replayed into another. Because the key is "
       "thrown away after the handshake, recording the traffic now and stealing the "
       "certificate's key later reveals nothing (forward secrecy).";
  return s;
}

std::string client_key_exchange(const TraceMessage& m) {
  const bool dhe = child(m.tree, "dh_Yc") != nullptr;
  return std::string(dhe ? "The client sends its Diffie-Hellman public value Yc = g^(client "
                           "private key) mod p. "
                         : "The client sends its ephemeral public key, on the curve the "
                           "server chose. ") +
         "Each side now computes the same pre-master secret from its own private key and the "
         "other's public value, without ever sending it. The PRF turns it into the 48-byte "
         "master secret, and the master secret into the key block (see the key schedule).";
}

}  // namespace

void observe(StoryState& st, const TraceMessage& m) {
  switch (m.type) {
    case HandshakeType::client_hello: {
      const TraceField* v = extension(m.tree, "supported_versions");
      const std::string versions =
          v == nullptr ? std::string() : meaning(child(*v, "extension_data"));
      st.client_offers_tls13 = versions.find("TLS 1.3") != std::string::npos;
      st.client_offers_tls12 = v == nullptr || versions.find("TLS 1.2") != std::string::npos;
      st.client_session_id = session_id(m.tree, "legacy_session_id");
      break;
    }
    case HandshakeType::server_hello:
      if (m.tree.name == "HelloRetryRequest") {
        st.hello_retry = true;
      } else {
        st.version = offers(m.tree, "supported_versions") ? 13 : 12;
        st.abbreviated = resumes12(m, st);
      }
      break;
    case HandshakeType::finished:
      (from_client_side(m.direction) ? st.client_finished : st.server_finished) = true;
      break;
    default: break;
  }
}

std::string message_story(const TraceMessage& m, const StoryState& st) {
  switch (m.type) {
    case HandshakeType::client_hello: return client_hello(m, st);
    case HandshakeType::server_hello: return server_hello(m, st);
    case HandshakeType::encrypted_extensions:
      return "The first encrypted message. The server answers the client's extensions that do "
             "not concern the key exchange (the application protocol chosen with ALPN, an "
             "acknowledged server name, ...), out of sight of anyone on the path.";
    case HandshakeType::certificate: return certificate(m, st);
    case HandshakeType::certificate_request:
      return "The server asks the client for a certificate, and says which signature schemes "
             "(and, optionally, which certificate authorities) it accepts.";
    case HandshakeType::certificate_status:
      return "The stapled OCSP response: the certificate authority's signed, recent statement "
             "that the server's certificate is not revoked. The server fetched it, so the client "
             "need not ask the authority (which would tell it which site the client visits).";
    case HandshakeType::server_key_exchange: return server_key_exchange(m);
    case HandshakeType::server_hello_done:
      return "An empty message: the server has sent everything it has for now and waits for "
             "the client's key exchange.";
    case HandshakeType::client_key_exchange: return client_key_exchange(m);
    case HandshakeType::certificate_verify: return certificate_verify(m, st);
    case HandshakeType::finished: return finished(m, st);
    case HandshakeType::new_session_ticket:
      if (st.version == 12) {
        return std::string(st.abbreviated ? "The server renews the ticket of the session it "
                                            "resumes: "
                                          : "The server gives the client a session ticket "
                                            "(RFC 5077): ") +
               "the session's state, master secret included, sealed under a key only the "
               "server knows. The client keeps it and sends it back in the session_ticket "
               "extension of a later ClientHello; the server opens it and resumes the session "
               "without having kept anything itself. It comes before the server's "
               "ChangeCipherSpec, and the Finished messages cover it.";
      }
      return "After the handshake, the server gives the client a ticket: opaque bytes for the "
             "client (a server may seal in them everything it needs to resume), and a nonce. "
             "Both sides derive the ticket's secret from the resumption master secret and the "
             "nonce; offering the ticket later lets the client resume without certificates.";
    case HandshakeType::key_update:
      return "The sender moves on to the next generation of its traffic key (derived from the "
             "current one), so that no key protects too much data.";
    case HandshakeType::end_of_early_data:
      return "The client has sent all its early (0-RTT) data; what follows is protected with "
             "the handshake keys.";
    case HandshakeType::hello_request:
      return "A TLS 1.2 server asks the client to renegotiate: to start a new handshake inside "
             "this connection.";
    default: break;
  }
  return "A " + message_label(m.type) + " message.";
}

std::string alert_story(const TraceAlert& a) {
  const std::string who = from_client_side(a.direction) ? "client" : "server";
  if (a.description == AlertDescription::close_notify) {
    return "The " + who +
           " will send nothing more on this connection. Because the alert is protected like "
           "data, an attacker cannot forge it: a connection cut without it is seen as "
           "truncated, not as finished.";
  }
  if (a.description == AlertDescription::no_renegotiation) {
    return "The " + who + " refuses to renegotiate, and the connection goes on as it was.";
  }
  if (a.level == AlertLevel::fatal) {
    return "The " + who + " ends the connection: " + alert_label(a.description) +
           " says why. Nothing more is sent on it.";
  }
  return "The " + who + " warns its peer: " + alert_label(a.description) + ".";
}

}  // namespace glasstls::render
