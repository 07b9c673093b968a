//! main.rs: the rustls peer of glasstls_bench (bench/README.md, "External peers").
//!
//! Usage: glasstls-bench-rustls --pki DIR --out FILE.json [--filter REGEX] [--min_time SECONDS]
//!
//! Runs each benchmark once (one repetition) and writes Google Benchmark's JSON format, with the
//! names of the C++ rows and "rustls" as the stack:
//!
//! - `handshake/<key>/rustls`: a full TLS 1.3 handshake per iteration, X25519 only,
//!   TLS_AES_128_GCM_SHA256, no tickets, SNI "localhost", from creating both connections to
//!   dropping them. The client checks the CertificateVerify signature with the leaf's key and
//!   does not validate the chain.
//! - `handshake_chain/<key>/rustls`: the same, the client validating the chain with rustls's
//!   WebPkiVerifier, the CA as its only root, and the host name "localhost".
//! - `resume/<key>/rustls`: a resumed handshake per iteration (psk_dhe_ke, X25519) with rustls's
//!   own stateless tickets (a Ticketer on the server, a ClientSessionMemoryCache on the client);
//!   the server issues one ticket per handshake, which the next handshake uses.
//! - `throughput/aes128gcm/<size>/rustls`: the client writes `size` bytes, the server reads them.
//! - `memory/rustls`: the heap counters of the C++ `memory/<stack>` rows (bench/memory_bench.cc),
//!   counted by the global allocator of heap.rs, over the `handshake/ecdsa_p256/rustls` setup.
//!   One iteration, whatever `--min_time` says.
//!
//! Both sides run on this thread and talk through in-memory buffers (write_tls into a Vec,
//! read_tls from a slice). Time is the thread's CPU time (CLOCK_THREAD_CPUTIME_ID through the
//! libc crate). `client_us` and `server_us` add up the spans of each side's calls, less the cost
//! of an empty span measured at start-up.

mod heap;

use std::collections::BTreeMap;
use std::ffi::CString;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use rustls::client::{
    ClientSessionMemoryCache, NoClientSessionStorage, ServerCertVerified, ServerCertVerifier,
    WebPkiVerifier,
};
use rustls::server::NoServerSessionStorage;
use rustls::{
    Certificate, ClientConfig, ClientConnection, ConnectionCommon, PrivateKey, ProtocolVersion,
    RootCertStore, ServerConfig, ServerConnection, ServerName, SignatureScheme, Ticketer,
};

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

const KEYS: [&str; 3] = ["ecdsa_p256", "rsa2048", "ed25519"];
const VERSION: &str = match option_env!("GLASSTLS_RUSTLS_VERSION") {
    Some(v) => v,
    None => "0.20",
};

// ---- Time ----

fn thread_cpu_ns() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as i64 * 1_000_000_000 + ts.tv_nsec as i64
}

/// SideTimer adds up the CPU time spent inside one side's calls and counts its spans. It also
/// makes its side the current one of the heap accounting (heap.rs) for the span, so that the
/// memory row charges each block to the side whose call allocated it, over the same spans.
struct SideTimer {
    side: heap::Side,
    total_ns: i64,
    spans: u64,
}

impl SideTimer {
    /// pair is a client's timer and a server's.
    fn pair() -> (SideTimer, SideTimer) {
        let timer = |side| SideTimer {
            side,
            total_ns: 0,
            spans: 0,
        };
        (timer(heap::Side::Client), timer(heap::Side::Server))
    }

    fn time<R>(&mut self, f: impl FnOnce() -> R) -> R {
        let outer = heap::set_side(self.side);
        let start = thread_cpu_ns();
        let r = f();
        self.total_ns += thread_cpu_ns() - start;
        heap::set_side(outer);
        self.spans += 1;
        r
    }

    /// us_per is the time per `n` iterations in microseconds, less `overhead_ns` per span.
    fn us_per(&self, n: u64, overhead_ns: f64) -> f64 {
        (self.total_ns as f64 - self.spans as f64 * overhead_ns) / 1000.0 / n as f64
    }
}

/// span_overhead_ns is what timing an empty span costs: the least average over a few batches of
/// back-to-back clock readings.
fn span_overhead_ns() -> f64 {
    let mut best = f64::MAX;
    for _ in 0..7 {
        const N: i64 = 2000;
        let mut sum = 0;
        for _ in 0..N {
            let start = thread_cpu_ns();
            sum += thread_cpu_ns() - start;
        }
        best = best.min(sum as f64 / N as f64);
    }
    best
}

// ---- PKI ----

struct Pki {
    leaf: Vec<u8>,
    ca: Vec<u8>,
    key: Vec<u8>,
}

fn load_pki(dir: &str, key: &str) -> Result<Pki, String> {
    let read = |f: &str| {
        let path = format!("{}/{}/{}", dir, key, f);
        std::fs::read(&path).map_err(|e| format!("{}: {}", path, e))
    };
    Ok(Pki {
        leaf: read("leaf.der")?,
        ca: read("ca.der")?,
        key: read("leaf.key.der")?,
    })
}

// ---- Configurations ----

/// Verifier checks the CertificateVerify signature with the leaf's key (rustls's default
/// verify_tls13_signature) and either accepts the certificate as it is or, with `webpki`,
/// validates the chain and the host name. It offers only the schemes of the three leaves, so
/// that an RSA server signs with rsa_pss_rsae_sha256 as in the other stacks' rows, and counts
/// the certificates it sees: a resumed handshake sees none.
struct Verifier {
    webpki: Option<WebPkiVerifier>,
    certificates_seen: AtomicUsize,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &Certificate,
        intermediates: &[Certificate],
        server_name: &ServerName,
        scts: &mut dyn Iterator<Item = &[u8]>,
        ocsp_response: &[u8],
        now: SystemTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.certificates_seen.fetch_add(1, Ordering::Relaxed);
        match &self.webpki {
            Some(v) => v.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                scts,
                ocsp_response,
                now,
            ),
            None => Ok(ServerCertVerified::assertion()),
        }
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        vec![
            SignatureScheme::ECDSA_NISTP256_SHA256,
            SignatureScheme::RSA_PSS_SHA256,
            SignatureScheme::ED25519,
        ]
    }

    fn request_scts(&self) -> bool {
        false
    }
}

fn client_config(
    pki: &Pki,
    chain: bool,
    tickets: bool,
) -> Result<(Arc<ClientConfig>, Arc<Verifier>), String> {
    let webpki = if chain {
        let mut roots = RootCertStore::empty();
        roots
            .add(&Certificate(pki.ca.clone()))
            .map_err(|e| format!("CA: {:?}", e))?;
        Some(WebPkiVerifier::new(roots, None))
    } else {
        None
    };
    let verifier = Arc::new(Verifier {
        webpki,
        certificates_seen: AtomicUsize::new(0),
    });
    let mut config = ClientConfig::builder()
        .with_cipher_suites(&[rustls::cipher_suite::TLS13_AES_128_GCM_SHA256])
        .with_kx_groups(&[&rustls::kx_group::X25519])
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| e.to_string())?
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    if tickets {
        config.session_storage = ClientSessionMemoryCache::new(32);
    } else {
        config.session_storage = Arc::new(NoClientSessionStorage {});
        config.enable_tickets = false;
    }
    Ok((Arc::new(config), verifier))
}

fn server_config(pki: &Pki, tickets: bool) -> Result<Arc<ServerConfig>, String> {
    let mut config = ServerConfig::builder()
        .with_cipher_suites(&[rustls::cipher_suite::TLS13_AES_128_GCM_SHA256])
        .with_kx_groups(&[&rustls::kx_group::X25519])
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(
            vec![Certificate(pki.leaf.clone()), Certificate(pki.ca.clone())],
            PrivateKey(pki.key.clone()),
        )
        .map_err(|e| format!("server certificate: {}", e))?;
    if tickets {
        config.ticketer = Ticketer::new().map_err(|e| e.to_string())?;
    } else {
        config.session_storage = Arc::new(NoServerSessionStorage {});
    }
    Ok(Arc::new(config))
}

// ---- In-memory handshakes ----

/// transfer moves everything `from` wants to write to `to`, the writing charged to `from_timer`
/// and the reading and processing to `to_timer`. Returns whether any byte moved.
fn transfer<A, B>(
    from: &mut ConnectionCommon<A>,
    to: &mut ConnectionCommon<B>,
    from_timer: &mut SideTimer,
    to_timer: &mut SideTimer,
    buf: &mut Vec<u8>,
) -> Result<bool, String> {
    buf.clear();
    from_timer.time(|| -> Result<(), String> {
        while from.wants_write() {
            from.write_tls(buf).map_err(|e| e.to_string())?;
        }
        Ok(())
    })?;
    if buf.is_empty() {
        return Ok(false);
    }
    to_timer.time(|| -> Result<(), String> {
        let mut rd = &buf[..];
        while !rd.is_empty() {
            to.read_tls(&mut rd).map_err(|e| e.to_string())?;
            to.process_new_packets().map_err(|e| e.to_string())?;
        }
        Ok(())
    })?;
    Ok(true)
}

struct Pair {
    client: ClientConnection,
    server: ServerConnection,
}

/// handshake makes a pair and runs its handshake to the end (tickets included), charging each
/// side's calls to its timer.
fn handshake(
    cc: &Arc<ClientConfig>,
    sc: &Arc<ServerConfig>,
    name: &ServerName,
    ct: &mut SideTimer,
    st: &mut SideTimer,
    buf: &mut Vec<u8>,
) -> Result<Pair, String> {
    let mut client = ct
        .time(|| ClientConnection::new(cc.clone(), name.clone()))
        .map_err(|e| e.to_string())?;
    let mut server = st
        .time(|| ServerConnection::new(sc.clone()))
        .map_err(|e| e.to_string())?;
    complete(&mut client, &mut server, ct, st, buf)?;
    Ok(Pair { client, server })
}

/// complete runs the handshake of a new pair to the end.
fn complete(
    client: &mut ClientConnection,
    server: &mut ServerConnection,
    ct: &mut SideTimer,
    st: &mut SideTimer,
    buf: &mut Vec<u8>,
) -> Result<(), String> {
    for _ in 0..16 {
        let a = transfer(client, server, ct, st, buf)?;
        let b = transfer(server, client, st, ct, buf)?;
        if !a && !b {
            break;
        }
    }
    if client.is_handshaking() || server.is_handshaking() {
        return Err("handshake stalled".into());
    }
    Ok(())
}

/// check_pair fails unless the pair negotiated TLS 1.3 and TLS_AES_128_GCM_SHA256. (Both sides
/// offer only X25519, so that is the group.)
fn check_pair(p: &Pair) -> Result<(), String> {
    for (side, version, suite) in [
        (
            "client",
            p.client.protocol_version(),
            p.client.negotiated_cipher_suite(),
        ),
        (
            "server",
            p.server.protocol_version(),
            p.server.negotiated_cipher_suite(),
        ),
    ] {
        if version != Some(ProtocolVersion::TLSv1_3) {
            return Err(format!("{}: version {:?}", side, version));
        }
        let suite = suite.map(|s| s.suite());
        if suite != Some(rustls::CipherSuite::TLS13_AES_128_GCM_SHA256) {
            return Err(format!("{}: suite {:?}", side, suite));
        }
    }
    Ok(())
}

// ---- Benchmarks ----

/// Batch is what one timed batch of iterations reports besides its CPU time.
struct Batch {
    counters: Vec<(&'static str, f64)>,
}

/// Rate says which rate counter a benchmark reports from its CPU time.
enum Rate {
    Handshakes,
    Bytes(u64),
}

struct Row {
    name: String,
    iterations: u64,
    cpu_ns: f64,
    real_ns: f64,
    counters: Vec<(&'static str, f64)>,
}

/// run times batches of growing size, as Google Benchmark does, until one lasts at least
/// `min_time` seconds of CPU time, and reports that batch.
fn run(
    name: &str,
    min_time: f64,
    rate: Rate,
    mut batch: impl FnMut(u64) -> Result<Batch, String>,
) -> Result<Row, String> {
    let mut n: u64 = 1;
    loop {
        let wall = Instant::now();
        let start = thread_cpu_ns();
        let b = batch(n)?;
        let cpu = (thread_cpu_ns() - start) as f64;
        let real = wall.elapsed().as_nanos() as f64;
        if cpu >= min_time * 1e9 || n >= 1_000_000_000 {
            let mut counters = b.counters;
            let per_s = n as f64 / (cpu / 1e9);
            match rate {
                Rate::Handshakes => counters.push(("handshakes_per_s", per_s)),
                Rate::Bytes(size) => counters.push(("bytes_per_second", per_s * size as f64)),
            }
            return Ok(Row {
                name: name.to_string(),
                iterations: n,
                cpu_ns: cpu / n as f64,
                real_ns: real / n as f64,
                counters,
            });
        }
        let factor = if cpu <= 0.0 {
            10.0
        } else {
            (min_time * 1e9 * 1.4 / cpu).clamp(2.0, 10.0)
        };
        n = ((n as f64) * factor).ceil() as u64;
    }
}

struct Env {
    pki_dir: String,
    min_time: f64,
    overhead_ns: f64,
    name: ServerName,
}

/// time_handshakes runs `row`: handshakes of `cc` and `sc` (created, completed and freed),
/// each side's calls charged to it.
fn time_handshakes(
    env: &Env,
    row: &str,
    cc: &Arc<ClientConfig>,
    sc: &Arc<ServerConfig>,
    buf: &mut Vec<u8>,
) -> Result<Row, String> {
    run(row, env.min_time, Rate::Handshakes, |n| {
        let (mut ct, mut st) = SideTimer::pair();
        for _ in 0..n {
            let p = handshake(cc, sc, &env.name, &mut ct, &mut st, buf)?;
            ct.time(|| drop(p.client));
            st.time(|| drop(p.server));
        }
        Ok(Batch {
            counters: vec![
                ("client_us", ct.us_per(n, env.overhead_ns)),
                ("server_us", st.us_per(n, env.overhead_ns)),
            ],
        })
    })
}

/// bench_handshake: `handshake/<key>/rustls` or, with `chain`, `handshake_chain/<key>/rustls`.
fn bench_handshake(env: &Env, row: &str, key: &str, chain: bool) -> Result<Row, String> {
    let pki = load_pki(&env.pki_dir, key)?;
    let (cc, verifier) = client_config(&pki, chain, false)?;
    let sc = server_config(&pki, false)?;
    let mut buf = Vec::with_capacity(1 << 15);
    {
        let (mut ct, mut st) = SideTimer::pair();
        let p = handshake(&cc, &sc, &env.name, &mut ct, &mut st, &mut buf)?;
        check_pair(&p)?;
        if verifier.certificates_seen.load(Ordering::Relaxed) != 1 {
            return Err("the client did not see the certificate".into());
        }
    }
    time_handshakes(env, row, &cc, &sc, &mut buf)
}

/// bench_resume: `resume/<key>/rustls`.
fn bench_resume(env: &Env, row: &str, key: &str) -> Result<Row, String> {
    let pki = load_pki(&env.pki_dir, key)?;
    let (cc, verifier) = client_config(&pki, false, true)?;
    let sc = server_config(&pki, true)?;
    let mut buf = Vec::with_capacity(1 << 15);
    let (mut ct, mut st) = SideTimer::pair();
    // The first handshake is full and leaves a ticket; the second must resume with it.
    for _ in 0..2 {
        let p = handshake(&cc, &sc, &env.name, &mut ct, &mut st, &mut buf)?;
        check_pair(&p)?;
    }
    if verifier.certificates_seen.load(Ordering::Relaxed) != 1 {
        return Err("the second handshake did not resume".into());
    }
    let result = time_handshakes(env, row, &cc, &sc, &mut buf)?;
    if verifier.certificates_seen.load(Ordering::Relaxed) != 1 {
        return Err("a timed handshake did not resume".into());
    }
    Ok(result)
}

/// bench_throughput: `throughput/aes128gcm/<size>/rustls`, over the ECDSA P-256 leaf.
fn bench_throughput(env: &Env, row: &str, size: usize) -> Result<Row, String> {
    let pki = load_pki(&env.pki_dir, "ecdsa_p256")?;
    let (cc, _) = client_config(&pki, false, false)?;
    let sc = server_config(&pki, false)?;
    let mut buf = Vec::with_capacity(size + 4096);
    let (mut ct, mut st) = SideTimer::pair();
    let mut p = handshake(&cc, &sc, &env.name, &mut ct, &mut st, &mut buf)?;
    check_pair(&p)?;
    let data = vec![0x61u8; size];
    let mut out = vec![0u8; size];
    let once = |p: &mut Pair, buf: &mut Vec<u8>, out: &mut [u8]| -> Result<(), String> {
        p.client
            .writer()
            .write_all(&data)
            .map_err(|e| e.to_string())?;
        buf.clear();
        while p.client.wants_write() {
            p.client.write_tls(buf).map_err(|e| e.to_string())?;
        }
        let mut rd = &buf[..];
        let mut got = 0;
        while !rd.is_empty() {
            p.server.read_tls(&mut rd).map_err(|e| e.to_string())?;
            p.server.process_new_packets().map_err(|e| e.to_string())?;
            while got < out.len() {
                match p.server.reader().read(&mut out[got..]) {
                    Ok(0) => break,
                    Ok(k) => got += k,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(e) => return Err(e.to_string()),
                }
            }
        }
        if got != out.len() {
            return Err(format!("the server read {} of {} bytes", got, out.len()));
        }
        Ok(())
    };
    once(&mut p, &mut buf, &mut out)?;
    if out != data {
        return Err("the server read other bytes than the client wrote".into());
    }
    run(row, env.min_time, Rate::Bytes(size as u64), |n| {
        for _ in 0..n {
            once(&mut p, &mut buf, &mut out)?;
        }
        Ok(Batch {
            counters: Vec::new(),
        })
    })
}

/// Pairs established for the idle figures of `memory/rustls`, as in bench/memory_bench.cc.
const MEMORY_PAIRS: usize = 1000;

/// boxed_handshake is handshake() with each connection moved into a Box inside its side's first
/// span: a program keeps its connections on the heap (as an SSL or a glasstls Connection is),
/// so the connection's own bytes count too.
fn boxed_handshake(
    env: &Env,
    cc: &Arc<ClientConfig>,
    sc: &Arc<ServerConfig>,
    ct: &mut SideTimer,
    st: &mut SideTimer,
    buf: &mut Vec<u8>,
) -> Result<(Box<ClientConnection>, Box<ServerConnection>), String> {
    let mut client = ct
        .time(|| ClientConnection::new(cc.clone(), env.name.clone()).map(Box::new))
        .map_err(|e| e.to_string())?;
    let mut server = st
        .time(|| ServerConnection::new(sc.clone()).map(Box::new))
        .map_err(|e| e.to_string())?;
    complete(&mut client, &mut server, ct, st, buf)?;
    Ok((client, server))
}

/// bench_memory: `memory/rustls`, the counters of bench/memory_bench.cc for the setup of
/// `handshake/ecdsa_p256/rustls` (the client checks CertificateVerify, not the chain).
/// Counting (heap.rs) covers the whole row; the configurations and the transport buffer are
/// made before the measurements and charged to no side. The transport buffer is what a socket
/// would be, and is left out: it is allocated before the measurements and never grows (checked).
fn bench_memory(env: &Env, row: &str) -> Result<Row, String> {
    let wall = Instant::now();
    let cpu = thread_cpu_ns();
    heap::start();
    let counters = measure_memory(env);
    heap::stop();
    Ok(Row {
        name: row.to_string(),
        iterations: 1,
        cpu_ns: (thread_cpu_ns() - cpu) as f64,
        real_ns: wall.elapsed().as_nanos() as f64,
        counters: counters?,
    })
}

fn measure_memory(env: &Env) -> Result<Vec<(&'static str, f64)>, String> {
    let pki = load_pki(&env.pki_dir, "ecdsa_p256")?;
    let (cc, verifier) = client_config(&pki, false, false)?;
    let sc = server_config(&pki, false)?;
    let mut buf = Vec::with_capacity(1 << 15);
    let transport_capacity = buf.capacity();
    let (mut ct, mut st) = SideTimer::pair();
    {
        // Checks the pair, and warms up whatever rustls sets up on first use.
        let p = handshake(&cc, &sc, &env.name, &mut ct, &mut st, &mut buf)?;
        check_pair(&p)?;
        if verifier.certificates_seen.load(Ordering::Relaxed) != 1 {
            return Err("the client did not see the certificate".into());
        }
    }

    // One pair created, handshaken and dropped, each side's calls charged to it.
    let base = heap::current();
    heap::reset_peak();
    heap::sides_begin();
    let (client, server) = boxed_handshake(env, &cc, &sc, &mut ct, &mut st, &mut buf)?;
    ct.time(|| drop(client));
    st.time(|| drop(server));
    heap::sides_end();
    let peak = heap::peak() - base;
    let client_peak = heap::side_peak(heap::Side::Client);
    let server_peak = heap::side_peak(heap::Side::Server);
    let client_allocs = heap::side_allocs(heap::Side::Client);
    let server_allocs = heap::side_allocs(heap::Side::Server);

    // The idle figures: MEMORY_PAIRS established pairs, all servers dropped, then all clients.
    let mut clients = Vec::with_capacity(MEMORY_PAIRS);
    let mut servers = Vec::with_capacity(MEMORY_PAIRS);
    let start = heap::current();
    for _ in 0..MEMORY_PAIRS {
        let (c, s) = boxed_handshake(env, &cc, &sc, &mut ct, &mut st, &mut buf)?;
        clients.push(c);
        servers.push(s);
    }
    let established = heap::current();
    servers.clear();
    let clients_only = heap::current();
    clients.clear();
    let end = heap::current();
    if buf.capacity() != transport_capacity {
        return Err("the transport buffer grew during the measurements".into());
    }
    if peak <= 0 || client_peak <= 0 || server_peak <= 0 || established <= start {
        return Err("the global allocator counted nothing".into());
    }
    let per_pair = |bytes: i64| bytes as f64 / MEMORY_PAIRS as f64;
    Ok(vec![
        ("handshake_peak_bytes", peak as f64),
        ("client_peak_bytes", client_peak as f64),
        ("server_peak_bytes", server_peak as f64),
        ("client_allocs", client_allocs as f64),
        ("server_allocs", server_allocs as f64),
        ("chain_bytes", (pki.leaf.len() + pki.ca.len()) as f64),
        ("client_idle_bytes", per_pair(clients_only - end)),
        ("server_idle_bytes", per_pair(established - clients_only)),
    ])
}

// ---- Filter and output ----

/// Filter is a POSIX extended regular expression (regcomp), searched for in each name.
struct Filter(Option<Box<libc::regex_t>>);

impl Filter {
    fn new(pattern: Option<&str>) -> Result<Filter, String> {
        let pattern = match pattern {
            Some(p) => p,
            None => return Ok(Filter(None)),
        };
        let c = CString::new(pattern).map_err(|_| "filter holds a NUL byte".to_string())?;
        // SAFETY: regex_t is plain data that regcomp initialises.
        let mut re: Box<libc::regex_t> = Box::new(unsafe { std::mem::zeroed() });
        // SAFETY: `re` and `c` are valid for the call.
        let rc =
            unsafe { libc::regcomp(&mut *re, c.as_ptr(), libc::REG_EXTENDED | libc::REG_NOSUB) };
        if rc != 0 {
            return Err(format!("bad filter regex: {}", pattern));
        }
        Ok(Filter(Some(re)))
    }

    fn matches(&self, name: &str) -> bool {
        let re = match &self.0 {
            Some(re) => re,
            None => return true,
        };
        let c = CString::new(name).unwrap_or_default();
        // SAFETY: `re` was compiled by regcomp; no match offsets are asked for.
        unsafe { libc::regexec(&**re, c.as_ptr(), 0, std::ptr::null_mut(), 0) == 0 }
    }
}

impl Drop for Filter {
    fn drop(&mut self) {
        if let Some(re) = &mut self.0 {
            // SAFETY: `re` was compiled by regcomp and is freed once.
            unsafe { libc::regfree(&mut **re) };
        }
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_number(v: f64) -> String {
    if v.is_finite() {
        format!("{}", v)
    } else {
        "0".into()
    }
}

fn write_json(path: &str, context: &BTreeMap<&str, String>, rows: &[Row]) -> Result<(), String> {
    let mut s = String::from("{\n  \"context\": {\n");
    let ctx: Vec<String> = context
        .iter()
        .map(|(k, v)| format!("    {}: {}", json_string(k), json_string(v)))
        .collect();
    s += &ctx.join(",\n");
    s += "\n  },\n  \"benchmarks\": [\n";
    let mut items = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let mut fields = vec![
            format!("\"name\": {}", json_string(&r.name)),
            format!("\"family_index\": {}", i),
            "\"per_family_instance_index\": 0".to_string(),
            format!("\"run_name\": {}", json_string(&r.name)),
            "\"run_type\": \"iteration\"".to_string(),
            "\"repetitions\": 1".to_string(),
            "\"repetition_index\": 0".to_string(),
            "\"threads\": 1".to_string(),
            format!("\"iterations\": {}", r.iterations),
            format!("\"real_time\": {}", json_number(r.real_ns)),
            format!("\"cpu_time\": {}", json_number(r.cpu_ns)),
            "\"time_unit\": \"ns\"".to_string(),
        ];
        for (k, v) in &r.counters {
            fields.push(format!("{}: {}", json_string(k), json_number(*v)));
        }
        items.push(format!(
            "    {{\n      {}\n    }}",
            fields.join(",\n      ")
        ));
    }
    s += &items.join(",\n");
    s += "\n  ]\n}\n";
    std::fs::write(path, s).map_err(|e| format!("{}: {}", path, e))
}

fn usage() -> ! {
    eprintln!(
        "usage: glasstls-bench-rustls --pki DIR --out FILE.json [--filter REGEX] [--min_time SECONDS]"
    );
    std::process::exit(2);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut pki, mut out, mut filter, mut min_time) = (None, None, None, 0.2);
    let mut i = 0;
    while i < args.len() {
        let (flag, value) = match args[i].split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (args[i].clone(), args.get(i + 1).cloned()),
        };
        let inline = args[i].contains('=');
        let value = value.unwrap_or_else(|| usage());
        match flag.as_str() {
            "--pki" => pki = Some(value),
            "--out" => out = Some(value),
            "--filter" => filter = Some(value),
            "--min_time" => min_time = value.parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
        i += if inline { 1 } else { 2 };
    }
    let (pki_dir, out) = match (pki, out) {
        (Some(p), Some(o)) => (p, o),
        _ => usage(),
    };
    let filter = Filter::new(filter.as_deref()).unwrap_or_else(|e| {
        eprintln!("rustls peer: {}", e);
        std::process::exit(2);
    });
    let env = Env {
        pki_dir,
        min_time,
        overhead_ns: span_overhead_ns(),
        name: ServerName::try_from("localhost").expect("a valid DNS name"),
    };

    let mut rows = Vec::new();
    let mut consider = |name: String, f: &dyn Fn(&str) -> Result<Row, String>| {
        if !filter.matches(&name) {
            return;
        }
        match f(&name) {
            Ok(row) => rows.push(row),
            Err(e) => eprintln!("rustls peer: {} skipped: {}", name, e),
        }
    };
    for key in KEYS {
        consider(format!("handshake/{}/rustls", key), &|n| {
            bench_handshake(&env, n, key, false)
        });
    }
    for key in KEYS {
        consider(format!("handshake_chain/{}/rustls", key), &|n| {
            bench_handshake(&env, n, key, true)
        });
    }
    for key in KEYS {
        consider(format!("resume/{}/rustls", key), &|n| {
            bench_resume(&env, n, key)
        });
    }
    for size in [16384, 1024] {
        consider(format!("throughput/aes128gcm/{}/rustls", size), &|n| {
            bench_throughput(&env, n, size)
        });
    }
    consider("memory/rustls".to_string(), &|n| bench_memory(&env, n));

    let mut context = BTreeMap::new();
    context.insert("rustls_version", VERSION.to_string());
    context.insert(
        "rustls_verification",
        "rustls client: a ServerCertVerifier that accepts the certificate and checks \
         CertificateVerify with the leaf key (rustls's default verify_tls13_signature), offering \
         ECDSA P-256, RSA-PSS SHA-256 and Ed25519; *_chain rows: WebPkiVerifier with the CA as \
         the only root, host name localhost checked. resume rows: stateless tickets (Ticketer), \
         ClientSessionMemoryCache"
            .to_string(),
    );
    context.insert(
        "rustls_heap_accounting",
        "memory/rustls: a counting #[global_allocator] over std::alloc::System \
         (malloc_usable_size of each block, the owner of each block in an mmap'd table); rustls \
         and webpki allocate through it, ring's C and assembly do not allocate. Connections \
         boxed; the in-memory transport Vec left out"
            .to_string(),
    );
    context.insert(
        "rustls_timer",
        format!(
            "thread CPU time (libc clock_gettime CLOCK_THREAD_CPUTIME_ID); {:.0} ns per empty span \
             subtracted from client_us and server_us",
            env.overhead_ns
        ),
    );
    if let Err(e) = write_json(&out, &context, &rows) {
        eprintln!("rustls peer: {}", e);
        std::process::exit(1);
    }
}
