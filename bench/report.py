#!/usr/bin/env python3
"""report.py: turn glasstls_bench's JSON output into bench-results.md and bench-results.json.

Usage: report.py BENCH_JSON OUT_MD OUT_JSON (scripts/bench runs it). The input must hold every
repetition (--benchmark_display_aggregates_only, not --benchmark_report_aggregates_only): the
report takes the median of the repetitions itself, and their spread, (max - min) / median, as
the noise figure.
"""
import json
import os
import re
import statistics
import subprocess
import sys

# The stacks glasstls is compared with, in the order of the columns. rustls and BoringSSL are
# external peers (bench/peers/): their rows come from their own programs, merged in by
# scripts/bench. A stack with no row in the input gets no column.
PEERS = [("openssl", "OpenSSL"), ("gnutls", "GnuTLS"), ("wolfssl", "wolfSSL"),
         ("rustls", "rustls"), ("boringssl", "BoringSSL")]
FIELDS = ("time_us", "handshakes_per_s", "client_us", "server_us", "bytes_per_second",
          "client_idle_bytes", "server_idle_bytes", "handshake_peak_bytes", "client_peak_bytes",
          "server_peak_bytes", "chain_bytes", "client_allocs", "server_allocs")


def load_runs(data):
    """Every successful repetition, by name without the min_time/iterations/repeats parts."""
    runs = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            continue
        parts = [p for p in b["run_name"].split("/")
                 if not re.match(r"^(min_time|iterations|real_time|repeats|threads):?", p)]
        runs.setdefault("/".join(parts), []).append(b)
    return runs


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def openssl_cli_version():
    try:
        return subprocess.run(["openssl", "version"], capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return "?"


class Report:
    def __init__(self, data):
        self.ctx = data.get("context", {})
        self.runs = load_runs(data)
        self.summary = {}  # "name|field" -> {median, min, max, n, spread_pct}
        self.ratios = {}   # "name|field|peer" -> glasstls median / peer median
        self.out = []
        self.peers = [(p, label) for p, label in PEERS
                      if any(n.endswith("/" + p) for n in self.runs)]

    def values(self, name, field):
        out = []
        for b in self.runs.get(name, []):
            if field == "time_us":
                # CPU time, as every rate here: the benchmarks are single-threaded.
                scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b.get("time_unit", "ns")]
                out.append(b["cpu_time"] * scale)
            elif field in b:
                out.append(float(b[field]))
        return out

    def stat(self, name, field):
        key = f"{name}|{field}"
        if key not in self.summary:
            v = self.values(name, field)
            if not v:
                self.summary[key] = None
            else:
                med = statistics.median(v)
                self.summary[key] = {
                    "median": med, "min": min(v), "max": max(v), "n": len(v),
                    "spread_pct": (100 * (max(v) - min(v)) / med) if med else 0.0}
        return self.summary[key]

    def med(self, name, field):
        s = self.stat(name, field)
        return None if s is None else s["median"]

    def ratio(self, name_g, name_p, field, peer):
        g, p = self.med(name_g, field), self.med(name_p, field)
        if g is None or p is None or p == 0:
            return "-"
        self.ratios[f"{name_g}|{field}|{peer}"] = g / p
        return f"{g / p:.2f}"

    def spread(self, *cells):
        s = [self.stat(n, f) for n, f in cells]
        s = [x["spread_pct"] for x in s if x is not None and x["n"] > 1]
        return f"{max(s):.1f}%" if s else "-"

    def table(self, header, rows):
        self.out.append("| " + " | ".join(header) + " |")
        self.out.append("|" + "|".join("---" if i == 0 else "---:"
                                       for i in range(len(header))) + "|")
        for r in rows:
            self.out.append("| " + " | ".join(str(c) for c in r) + " |")
        self.out.append("")

    def section(self, title, text):
        self.out += [f"## {title}", "", text, ""]


def fmt(v, unit=""):
    if v is None:
        return "-"
    if unit == "MB/s":
        return f"{v / 1e6:,.0f}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.1f}"


def main():
    raw_path, md_path, json_path = sys.argv[1:4]
    with open(raw_path) as f:
        r = Report(json.load(f))
    ctx, runs, peers = r.ctx, r.runs, r.peers

    for name in runs:
        for field in FIELDS:
            r.stat(name, field)
    spread_by_figure = sorted((s["spread_pct"], k) for k, s in r.summary.items()
                              if s is not None and s["n"] > 1)
    spreads = [x for x, _ in spread_by_figure]
    reps = max((len(v) for v in runs.values()), default=1)
    machine = {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model(),
        "mhz_per_cpu": ctx.get("mhz_per_cpu"),
        "load_avg": ctx.get("load_avg"),
        "openssl": ctx.get("openssl_version") or openssl_cli_version(),
        "gnutls": ctx.get("gnutls_version"),
        "wolfssl": ctx.get("wolfssl_version"),
        "rustls": ctx.get("rustls_version"),
        "boringssl": ctx.get("boringssl_version"),
        "date": ctx.get("date"),
    }

    # ---- The machine and the noise ----
    out = r.out
    out += ["# glasstls benchmarks", ""]
    libs = [machine["openssl"]]
    libs += [f"GnuTLS {machine['gnutls']}"] if machine["gnutls"] else []
    libs += [f"wolfSSL {machine['wolfssl']}"] if machine["wolfssl"] else []
    libs += [f"rustls {machine['rustls']}"] if machine["rustls"] else []
    libs += [f"BoringSSL {machine['boringssl']}"] if machine["boringssl"] else []
    load = ", ".join(f"{x:.1f}" for x in (machine["load_avg"] or []))
    out.append(f"Machine: {machine['nproc']} CPUs (nproc), {machine['cpu_model']}; "
               f"{'; '.join(libs)}; load average at start {load or '?'}; {machine['date']}.")
    out.append("")
    if spreads:
        out.append(f"Noise: medians of {reps} repetitions (CPU time of the single benchmark "
                   f"thread). Spread = (max - min) / median of the repetitions: median "
                   f"{statistics.median(spreads):.1f}%, worst {spreads[-1]:.1f}% "
                   f"({spread_by_figure[-1][1].replace('|', ' ')}) over {len(spreads)} figures. "
                   f"The 'spread' column is the worst cell of its row.")
    else:
        out.append("Noise: one repetition only, no spread.")
    out.append("")
    # The external peers describe their verification, their timer and their heap accounting in
    # keys of their own (rustls_verification, boringssl_timer, rustls_heap_accounting, ...).
    described = ["setup", "verification", "heap_accounting"]
    described += sorted(k for k in ctx
                        if k.endswith(("_verification", "_timer", "_heap_accounting")))
    for key in described:
        if key in ctx:
            out.append(f"- {key}: {ctx[key]}")
    out.append("")

    def table_peers(*prefixes):
        """The peers that ran a row of one of these benchmarks, and their labels: a table has
        no column for a stack that ran none of its rows."""
        ps = [(p, label) for p, label in peers
              if any(n.startswith(pre + "/") and n.endswith("/" + p)
                     for n in runs for pre in prefixes if pre)]
        return ps, [label for _, label in ps]

    # ---- Handshakes ----
    keys = ["ecdsa_p256", "rsa2048", "ed25519"]
    keys12 = ["ecdhe_ecdsa_p256", "ecdhe_rsa2048", "dhe_rsa2048"]

    def handshakes(prefix, keys, title, text, chain_prefix=None,
                   client_label="client us/handshake (leaf pinned)"):
        peers, labels = table_peers(prefix, chain_prefix)
        rows = []
        for k in keys:
            # A row for every key that some stack ran (glasstls may lack one: '-').
            if not any(f"{prefix}/{k}/{s}" in runs for s in ["glasstls"] + [p for p, _ in peers]):
                continue
            cells = [(prefix, "handshakes_per_s", "handshakes/s (pair)"),
                     (prefix, "server_us", "server us/handshake"),
                     (prefix, "client_us", client_label)]
            if chain_prefix and any(n.startswith(f"{chain_prefix}/{k}/") for n in runs):
                cells += [(chain_prefix, "handshakes_per_s", "handshakes/s, chain validated"),
                          (chain_prefix, "client_us", "client us, chain + host validated")]
            for pre, field, label in cells:
                g = f"{pre}/{k}/glasstls"
                others = [f"{pre}/{k}/{p}" for p, _ in peers]
                rows.append([f"{k} {label}", fmt(r.med(g, field))] +
                            [fmt(r.med(o, field)) for o in others] +
                            [r.ratio(g, o, field, p) for o, (p, _) in zip(others, peers)] +
                            [r.spread((g, field), *[(o, field) for o in others])])
        if rows:
            r.section(title, text)
            r.table(["benchmark", "glasstls"] + labels + [f"g/{l}" for l in labels] +
                    ["spread"], rows)

    chain_text = (" 'leaf pinned': the glasstls client trusts the leaf by a SHA-256 pin of its "
                  "key, the OpenSSL client has SSL_VERIFY_NONE. 'chain validated': the glasstls "
                  "client has webpki_verifier with the CA as its only trust anchor and checks "
                  "the host name; the OpenSSL client has SSL_VERIFY_PEER, the same CA and "
                  "X509_VERIFY_PARAM_set1_host; the rustls and BoringSSL clients validate the "
                  "chain to the same CA and check the host name too (GnuTLS and wolfSSL do not "
                  "run these rows). What each external peer's client does: its *_verification "
                  "line above.")
    handshakes("handshake", keys, "Full TLS 1.3 handshake",
               "X25519, TLS_AES_128_GCM_SHA256, leaf + CA chain, no tickets. handshakes/s: "
               "higher is better (g/peer > 1: glasstls faster). us: lower is better "
               "(g/peer < 1: glasstls cheaper). '-': that stack does not run this benchmark." +
               chain_text, "handshake_chain")
    handshakes("resume", keys, "Resumed TLS 1.3 handshake",
               "A handshake that resumes a session with a ticket from an earlier one "
               "(psk_dhe_ke: X25519 again, but no certificate and no signature), each stack with "
               "its own tickets and client session cache; the server issues a ticket in every "
               "handshake, and that work is part of the row. Same units as above.",
               client_label="client us/handshake")
    handshakes("handshake_hrr", keys, "Handshake with a HelloRetryRequest",
               "The client supports X25519 and P-256 but sends only an X25519 share; the server "
               "accepts only P-256, so it asks for a P-256 share. GnuTLS is left out: its client "
               "always sends a share for both groups.")
    handshakes("handshake12", keys12, "Full TLS 1.2 handshake",
               "TLS 1.2 only, extended master secret, no session ID or ticket. "
               "ecdhe_ecdsa_p256: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 with X25519 and a "
               "P-256 leaf; ecdhe_rsa2048: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 with X25519 and "
               "an RSA-2048 leaf; dhe_rsa2048: TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 with "
               "ffdhe2048 (RFC 7919) and an RSA-2048 leaf. Target: at least 2x OpenSSL's "
               "handshakes/s for the ECDHE rows." + chain_text, "handshake12_chain")

    def floors(floor_prefix, hs_prefix, keys, chain_floor, chain_hs, title, text):
        peers, labels = table_peers(hs_prefix, chain_hs)
        rows = []
        for k in keys:
            for side, fpre, hpre, label in (("server", floor_prefix, hs_prefix, "server"),
                                            ("client", floor_prefix, hs_prefix, "client"),
                                            ("client", chain_floor, chain_hs,
                                             "client, chain validated")):
                f = r.med(f"{fpre}/{k}/{side}", "time_us")
                if f is None:
                    continue
                cells = []
                for stack in ["glasstls"] + [p for p, _ in peers]:
                    v = r.med(f"{hpre}/{k}/{stack}", f"{side}_us")
                    cells.append("-" if v is None else f"{v / f:.2f}")
                rows.append([f"{k} {label}", fmt(f)] + cells)
        if rows:
            r.section(title, text)
            r.table(["side", "floor us", "glasstls"] + labels, rows)

    floor_text = ("A side's us/handshake divided by the bare libcrypto work of that side "
                  "(lower is better; the floor is OpenSSL's libcrypto, so for GnuTLS, wolfSSL, "
                  "rustls (ring) and BoringSSL the figure also reflects their own crypto). 'chain validated': the client "
                  "floor plus the verification of the leaf's signature with the CA key, against "
                  "the client that validates the chain.")
    floors("crypto_floor", "handshake", keys, "crypto_floor_chain", "handshake_chain",
           "Handshake cost against its crypto floor", floor_text)
    floors("crypto_floor12", "handshake12", keys12, "crypto_floor12_chain", "handshake12_chain",
           "TLS 1.2 handshake cost against its crypto floor",
           floor_text + " TLS 1.2 floor: the key exchange (X25519 or ffdhe2048), the "
           "ServerKeyExchange signature or its verification, the transcript hash, the 12 HMACs "
           "of the PRF (extended master secret, key block, two verify_data), two AES-128-GCM "
           "key set-ups, one Finished sealed and one opened. Target: at most 1.15.")
    sodium_text = (" The same floors with libsodium's X25519 instead of EVP's: glasstls takes its "
                   "X25519 from libsodium when built with it (crypto::default_provider()), so "
                   "this is glasstls against the primitives it actually calls; the other stacks "
                   "use their own X25519.")
    floors("crypto_floor_sodium", "handshake", keys, "crypto_floor_sodium_chain",
           "handshake_chain", "Handshake cost against a floor with libsodium's X25519",
           floor_text + sodium_text)
    floors("crypto_floor12_sodium", "handshake12", keys12, "crypto_floor12_sodium_chain",
           "handshake12_chain", "TLS 1.2 handshake cost against a floor with libsodium's X25519",
           floor_text + sodium_text)

    # The TLS 1.2 floors again, both sides run in turn on one thread as a handshake row runs
    # them (crypto_floor12_pair): how much of "x floor" is the two sides evicting each other's
    # libcrypto code and tables from the caches.
    rows = []
    for k in keys12:
        pair = f"crypto_floor12_pair/{k}"
        for side in ("server", "client"):
            f = r.med(f"crypto_floor12/{k}/{side}", "time_us")
            fp = r.med(pair, f"{side}_us")
            g = r.med(f"handshake12/{k}/glasstls", f"{side}_us")
            if f is None or fp is None or g is None:
                continue
            rows.append([f"{k} {side}", fmt(f), fmt(fp), fmt(g), f"{g / f:.2f}", f"{g / fp:.2f}",
                         r.spread((pair, f"{side}_us"))])
    if rows:
        r.section("TLS 1.2 floor with both sides taking turns",
                  "A diagnostic, not the target's reference: crypto_floor12_pair runs the "
                  "server's floor and then the client's in each iteration on one thread, each "
                  "timed, as the handshake rows run both sides. 'x floor' is glasstls against "
                  "the floor of the table above; 'x pair floor' against the same primitives "
                  "measured under the handshake's turn-taking.")
        r.table(["side", "floor us", "pair floor us", "glasstls us", "x floor", "x pair floor",
                 "spread"], rows)

    # ---- Throughput ----
    order = {"aes128gcm": 0, "aes256gcm": 1, "chacha20poly1305": 2, "aes128cbcsha256": 3}

    def throughput(prefix, title, text):
        peers, labels = table_peers(prefix)
        bases = []
        for n in runs:
            if n.startswith(prefix + "/"):
                b = n.rsplit("/", 1)[0]
                if b not in bases:
                    bases.append(b)
        bases.sort(key=lambda b: (order.get(b.split("/")[1], 9), -int(b.split("/")[2])))
        rows = []
        for base in bases:
            _, suite, size = base.split("/")
            g = base + "/glasstls"
            v = base + "/glasstls_view"
            others = [f"{base}/{p}" for p, _ in peers]
            gb = r.med(g, "bytes_per_second")
            vb = r.med(v, "bytes_per_second")
            ceiling = "cbc_ceiling" if suite == "aes128cbcsha256" else "aead_ceiling"
            ceil = r.med(f"{ceiling}/{suite}/{size}/seal_open", "bytes_per_second")

            def pct(x):
                return "-" if x is None or not ceil else f"{100 * x / ceil:.0f}%"
            rows.append([f"{suite} {size} B writes", fmt(gb, "MB/s"), fmt(vb, "MB/s")] +
                        [fmt(r.med(o, "bytes_per_second"), "MB/s") for o in others] +
                        [r.ratio(g, o, "bytes_per_second", p)
                         for o, (p, _) in zip(others, peers)] +
                        [fmt(ceil, "MB/s"), pct(gb), pct(vb),
                         r.spread((g, "bytes_per_second"), (v, "bytes_per_second"),
                                  *[(o, "bytes_per_second") for o in others])])
        if rows:
            r.section(title, text)
            r.table(["benchmark", "glasstls", "view"] + labels + [f"g/{l}" for l in labels] +
                    ["ceiling", "% ceil", "view % ceil", "spread"], rows)

    throughput("throughput", "Bulk throughput",
               "The client writes, the server reads: application MB/s, higher is better. "
               "'glasstls' reads with read() (one copy out, like SSL_read); 'view' reads in "
               "place with read_view()/consume_read(). g/peer compares read() with the peer. "
               "Ceiling: raw EVP seal+open of one record of that size; '% ceil' is glasstls "
               "against it. GnuTLS, wolfSSL, rustls and BoringSSL run AES-128-GCM only.")
    throughput("throughput12", "TLS 1.2 bulk throughput",
               "The same over TLS 1.2 with ECDHE-RSA suites: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "
               "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 and "
               "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 with encrypt-then-MAC (RFC 7366), against "
               "OpenSSL's libssl. The AEAD rows use the raw AEAD ceiling of the TLS 1.3 table "
               "(target: at least 97%); the CBC rows a raw AES-128-CBC + HMAC-SHA256 "
               "encrypt-then-MAC seal and open of one record (cbc_ceiling; target: at least "
               "OpenSSL).")

    # The AEAD target measured in turns (bulk_vs_ceiling): glasstls and the raw AEAD take turns
    # by blocks of records inside one benchmark, so the machine's drift between rows does not
    # move the ratio.
    rows = []
    for proto, plabel in (("tls13", "TLS 1.3"), ("tls12", "TLS 1.2")):
        for suite in ("aes128gcm", "chacha20poly1305"):
            for size in ("16384", "1024"):
                n = f"bulk_vs_ceiling/{proto}/{suite}/{size}"
                c = r.med(n, "ceiling_ns")
                if c is None:
                    continue
                rows.append([f"{plabel} {suite} {size} B", fmt(c), fmt(r.med(n, "read_ns")),
                             fmt(r.med(n, "view_ns")), f"{r.med(n, 'read_pct'):.1f}%",
                             f"{r.med(n, 'view_pct'):.1f}%",
                             r.spread((n, "read_pct"), (n, "view_pct"))])
    if rows:
        r.section("Bulk against the raw AEAD, measured in turns",
                  "bulk_vs_ceiling: in each iteration, 32 records through a glasstls pair read "
                  "with read(), 32 read in place with read_view(), then 32 raw EVP seal+open of "
                  "a record of the same size (TLS 1.2: 13 bytes of additional data, no content "
                  "type byte), each block timed: ns per record, and the raw AEAD's time as a "
                  "percentage of glasstls's (target: at least 97%). This is the reference for "
                  "the target; the '% ceil' columns above divide rows measured at different "
                  "times.")
        r.table(["record", "raw AEAD ns", "read() ns", "read_view() ns", "read() %",
                 "read_view() %", "spread"], rows)

    # ---- The record layer alone ----
    # record/<kind>/<size> against the raw ceiling of the same work: the AEAD kinds against
    # aead_ceiling (seal and open of one record), encrypt-then-MAC CBC against cbc_ceiling.
    kinds = (("tls13_aes128gcm", "TLS 1.3 AES-128-GCM", "aead_ceiling/aes128gcm"),
             ("tls12_aes128gcm", "TLS 1.2 AES-128-GCM", "aead_ceiling/aes128gcm"),
             ("tls12_chacha20", "TLS 1.2 ChaCha20-Poly1305", "aead_ceiling/chacha20poly1305"),
             ("tls12_cbc_sha256", "TLS 1.2 AES-128-CBC-SHA256, MAC-then-encrypt", None),
             ("tls12_cbc_sha256_etm", "TLS 1.2 AES-128-CBC-SHA256, encrypt-then-MAC",
              "cbc_ceiling/aes128cbcsha256"))
    rows = []
    for kind, label, ceiling in kinds:
        for size in (16384, 1024, 16):
            name = f"record/{kind}/{size}"
            v = r.med(name, "bytes_per_second")
            if v is None:
                continue
            ceil = None if ceiling is None else r.med(f"{ceiling}/{size}/seal_open",
                                                      "bytes_per_second")
            rows.append([f"{label}, {size} B", fmt(v, "MB/s"), fmt(ceil, "MB/s"),
                         "-" if not ceil else f"{100 * v / ceil:.0f}%",
                         r.spread((name, "bytes_per_second"))])
    if rows:
        r.section("Record layer alone",
                  "RecordLayer::write of one record and read_record of it in place, MB/s of "
                  "application data, higher is better. Ceiling: the raw seal and open of one "
                  "record of that size (aead_ceiling; cbc_ceiling for encrypt-then-MAC, which "
                  "does not check the padding); '-' where there is none. Target for the AEAD "
                  "kinds: at least 97% of the ceiling.")
        r.table(["record", "glasstls", "ceiling", "% ceil", "spread"], rows)

    # ---- Memory ----
    # The external peers' memory rows, when they ran, are extra columns with their ratio.
    for mp, title in (("memory", "Heap per connection"),
                      ("memory12", "TLS 1.2 heap per connection")):
        if f"{mp}/glasstls" not in runs:
            continue
        g = f"{mp}/glasstls"
        ext = [(p, label) for p, label in (("rustls", "rustls"), ("boringssl", "BoringSSL"))
               if f"{mp}/{p}" in runs]
        rows = []
        for field, label in (("client_idle_bytes", "idle established client"),
                             ("server_idle_bytes", "idle established server"),
                             ("client_peak_bytes", "client peak during a handshake"),
                             ("server_peak_bytes", "server peak during a handshake"),
                             ("handshake_peak_bytes", "peak during one handshake (pair)"),
                             ("client_allocs", "client heap blocks allocated per handshake"),
                             ("server_allocs", "server heap blocks allocated per handshake"),
                             ("chain_bytes", "certificate chain (DER, for reference)")):
            if r.med(g, field) is None:
                continue
            row = [label, fmt(r.med(g, field)), fmt(r.med(f"{mp}/openssl", field)),
                   r.ratio(g, f"{mp}/openssl", field, "openssl"),
                   fmt(r.med(f"{mp}/openssl_release_buffers", field))]
            for p, _ in ext:
                row += [fmt(r.med(f"{mp}/{p}", field)), r.ratio(g, f"{mp}/{p}", field, p)]
            rows.append(row)
        chain = r.med(g, "chain_bytes")
        for side in ("client", "server"):
            # Each stack's peak less its own chain: the peers read the same kind of chain from
            # the exported PKI, not the same bytes.
            stacks = [g, f"{mp}/openssl", f"{mp}/openssl_release_buffers"]
            stacks += [f"{mp}/{p}" for p, _ in ext]
            beyond = []
            for name in stacks:
                c = r.med(name, f"{side}_peak_bytes")
                ch = r.med(name, "chain_bytes")
                ch = chain if ch is None else ch
                beyond.append(None if c is None or ch is None else c - ch)
            if chain is None or beyond[0] is None:
                continue

            def over(b):
                return "-" if not b else f"{beyond[0] / b:.2f}"
            row = [f"{side} peak beyond the chain (target <= 16 KB)", fmt(beyond[0]),
                   fmt(beyond[1]), over(beyond[1]), fmt(beyond[2])]
            for b in beyond[3:]:
                row += [fmt(b), over(b)]
            rows.append(row)
        text = ("Bytes, lower is better; one run (the counts do not vary). OpenSSL without the "
                "in-memory BIO pair buffers; 'rel.buf' is OpenSSL with "
                "SSL_MODE_RELEASE_BUFFERS.")
        if ext:
            left_out = {"rustls": "rustls without its in-memory transport buffer",
                        "boringssl": "BoringSSL without its BIO pair buffers"}
            many = len(ext) > 1
            text += (" The " + " and ".join(label for _, label in ext) +
                     (" columns come from programs of their own" if many else
                      " column comes from a program of its own") +
                     " (bench/peers/), counted through " + ("each one's" if many else "its") +
                     " own allocator hook (the *_heap_accounting lines above), with "
                     "certificates of the same kinds; " +
                     ", ".join(left_out[p] for p, _ in ext) + ".")
        header = ["memory", "glasstls", "OpenSSL", "g/OpenSSL", "rel.buf"]
        for _, label in ext:
            header += [label, f"g/{label}"]
        r.section(title, text)
        r.table(header, rows)

    # ---- Alternative primitives ----
    alt = {}
    for n in runs:
        if n.startswith("alt/"):
            _, prim, impl = n.split("/", 2)
            alt.setdefault(prim, []).append(impl)
    rows = []
    for prim, impls in alt.items():
        base = r.med(f"alt/{prim}/evp_today", "time_us")
        for impl in impls:
            t = r.med(f"alt/{prim}/{impl}", "time_us")
            rows.append([prim, impl, fmt(t),
                         "-" if base is None or t is None else f"{t / base:.2f}",
                         r.spread((f"alt/{prim}/{impl}", "time_us"))])
    if rows:
        r.section("Alternative primitives",
                  "us per operation, lower is better; 'vs today' is against the EVP calls as "
                  "glasstls made them before this round of work (evp_today). 'glasstls' is the "
                  "provider seam as it is now.")
        r.table(["primitive", "implementation", "us", "vs today", "spread"], rows)

    # ---- Certificate chain verification ----
    rows = []
    for label, k in (("ecdsa_p256", "x509_verify_chain/ecdsa_p256"),
                     ("rsa2048", "x509_verify_chain/rsa2048"),
                     ("ecdsa_p256 + CRL of 10,000", "x509_verify_chain_crl10k/ecdsa_p256")):
        g, o = f"{k}/glasstls", f"{k}/openssl"
        if g in runs:
            rows.append([f"{label} chain verification us", fmt(r.med(g, "time_us")),
                         fmt(r.med(o, "time_us")), r.ratio(g, o, "time_us", "openssl"),
                         r.spread((g, "time_us"), (o, "time_us"))])
    if rows:
        r.section("Certificate chain verification", "us per verification, lower is better.")
        r.table(["benchmark", "glasstls", "OpenSSL", "g/OpenSSL", "spread"], rows)

    text = "\n".join(out).rstrip() + "\n"
    with open(md_path, "w") as f:
        f.write(text)
    with open(json_path, "w") as f:
        json.dump({
            "machine": machine,
            "repetitions": reps,
            "noise_spread_pct": {"median": statistics.median(spreads) if spreads else None,
                                 "max": spreads[-1] if spreads else None},
            "context": {k: ctx[k] for k in ("setup", "verification", "heap_accounting")
                        if k in ctx},
            "results": {k: v for k, v in r.summary.items() if v is not None},
            "ratios_glasstls_over_peer": r.ratios,
        }, f, indent=1, sort_keys=True)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
