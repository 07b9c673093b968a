#!/usr/bin/env python3
"""bulk_client.py: push bulk data through a TLS echo server with Python's ssl module.

A real OpenSSL-based peer for tests/interop/peer_bulk_test.cc and tls12_interop_test.cc. It
connects to HOST:PORT with one version (--version, TLS 1.3 by default; for TLS 1.2, --ciphers
and --no-etm choose the suites and whether encrypt-then-MAC is offered), verifies the server's
certificate against --cafile for --servername, sends --bytes of seeded pseudo-random data in
writes of varying sizes while reading the echo in the same loop, checks every echoed byte
against what was sent, then closes with close_notify and waits for the server's.

The TLS object is sans-IO (ssl.MemoryBIO) over a non-blocking socket driven by one select
loop: sending and receiving interleave, so neither side can block on a full buffer, and no
SSL object is shared between threads.

On success it prints one line to stdout and exits 0:

  ok version=VERSION cipher=NAME bytes=N sent_sha256=HEX received_sha256=HEX
     close_notify=yes seconds=S

(on one line). On any failure it prints "bulk_client: REASON" to stderr and exits 1.
"""

import argparse
import hashlib
import random
import selectors
import socket
import ssl
import sys
import time

# Plaintext write sizes, used in turn: records of every shape (tiny, exactly one full record,
# one byte either side of it, and writes OpenSSL splits into several records).
WRITE_SIZES = (16384, 1, 1000, 65536, 16383, 16385, 131072, 7, 4096, 100000)
# Stop feeding plaintext while this much ciphertext waits for the socket.
MAX_PENDING = 256 * 1024
RECV_SIZE = 256 * 1024


class Failure(Exception):
    pass


class Driver:
    """Moves ciphertext between the memory BIOs and the non-blocking socket."""

    def __init__(self, sock, incoming, outgoing, deadline):
        self.sock = sock
        self.incoming = incoming
        self.outgoing = outgoing
        self.deadline = deadline
        self.pending = bytearray()  # ciphertext not yet taken by the socket
        self.eof = False  # the server closed the TCP connection
        self.selector = selectors.DefaultSelector()
        self.selector.register(sock, selectors.EVENT_READ)
        self.events = selectors.EVENT_READ

    def collect(self):
        """Moves the TLS object's output into the socket queue."""
        if self.outgoing.pending:
            self.pending += self.outgoing.read()

    def step(self, want_read=True):
        """Waits (bounded) until the socket can move data, then moves it both ways."""
        self.collect()
        events = 0
        if want_read and not self.eof:
            events |= selectors.EVENT_READ
        if self.pending:
            events |= selectors.EVENT_WRITE
        if events == 0:
            raise Failure("nothing to wait for (the connection is stuck)")
        if events != self.events:
            self.selector.modify(self.sock, events)
            self.events = events
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise Failure("timed out")
        ready = self.selector.select(min(remaining, 5.0))
        if not ready:
            if time.monotonic() >= self.deadline:
                raise Failure("timed out")
            return
        for _, mask in ready:
            if mask & selectors.EVENT_WRITE and self.pending:
                try:
                    n = self.sock.send(self.pending[:RECV_SIZE])
                except (BlockingIOError, InterruptedError):
                    n = 0
                del self.pending[:n]
            if mask & selectors.EVENT_READ and not self.eof:
                try:
                    data = self.sock.recv(RECV_SIZE)
                except (BlockingIOError, InterruptedError):
                    continue
                if data:
                    self.incoming.write(data)
                else:
                    self.eof = True
                    self.incoming.write_eof()

    def flush(self):
        """Sends every queued byte of ciphertext."""
        self.collect()
        while self.pending:
            self.step(want_read=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--servername", default="localhost")
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--bytes", type=int, default=64 << 20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--expect-cipher", default="")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--version", choices=("TLSv1.3", "TLSv1.2"), default="TLSv1.3")
    parser.add_argument("--ciphers", default="",
                        help="OpenSSL cipher string for TLS 1.2 (SSLContext.set_ciphers)")
    parser.add_argument("--no-etm", action="store_true",
                        help="do not offer encrypt-then-MAC (TLS 1.2 CBC suites)")
    args = parser.parse_args()

    start = time.monotonic()
    deadline = start + args.timeout
    total = args.bytes
    rng = random.Random(args.seed)
    payload = b"".join(rng.randbytes(min(1 << 20, total - at)) for at in range(0, total, 1 << 20))

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, check_hostname
    version = getattr(ssl.TLSVersion, args.version.replace(".", "_"))
    ctx.minimum_version = version
    ctx.maximum_version = version
    if args.ciphers:
        ctx.set_ciphers(args.ciphers)
    if args.no_etm:
        # SSL_OP_NO_ENCRYPT_THEN_MAC (OpenSSL 1.1.0 and later), which the ssl module does not
        # name.
        ctx.options |= 1 << 19
    ctx.load_verify_locations(cafile=args.cafile)

    sock = socket.create_connection((args.host, args.port), timeout=args.timeout)
    sock.setblocking(False)
    incoming = ssl.MemoryBIO()
    outgoing = ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_side=False,
                       server_hostname=args.servername)
    io = Driver(sock, incoming, outgoing, deadline)

    # The handshake (the certificate and host name are verified here).
    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            io.step()
            if io.eof and not incoming.pending:
                raise Failure("the server closed the connection during the handshake")
    io.flush()
    version = tls.version()
    cipher = tls.cipher()[0]
    if version != args.version:
        raise Failure(f"negotiated {version}, not {args.version}")
    if args.expect_cipher and cipher != args.expect_cipher:
        raise Failure(f"negotiated {cipher}, not {args.expect_cipher}")

    # The bulk: feed plaintext while little ciphertext is queued, read whatever arrives, and
    # check the echo byte for byte as it comes.
    view = memoryview(payload)
    sent = 0
    received = 0
    write_index = 0
    sent_hash = hashlib.sha256()
    received_hash = hashlib.sha256()
    while received < total:
        while sent < total and len(io.pending) + outgoing.pending < MAX_PENDING:
            size = min(WRITE_SIZES[write_index % len(WRITE_SIZES)], total - sent)
            write_index += 1
            chunk = view[sent:sent + size]
            written = tls.write(chunk)
            if written != size:
                raise Failure(f"SSLObject.write took {written} of {size} bytes")
            sent_hash.update(chunk)
            sent += size
        io.step()
        while True:
            try:
                data = tls.read(RECV_SIZE)
            except ssl.SSLWantReadError:
                break
            except ssl.SSLZeroReturnError:
                raise Failure(f"close_notify from the server after {received} of {total} "
                              "echoed bytes")
            except ssl.SSLEOFError:
                raise Failure(f"the server closed the TCP connection without close_notify "
                              f"after {received} of {total} echoed bytes")
            if not data:
                break
            end = received + len(data)
            if end > sent:
                raise Failure(f"received {end} bytes but only {sent} were sent")
            if data != view[received:end]:
                at = next(i for i in range(len(data)) if data[i] != payload[received + i])
                raise Failure(f"echo differs at byte {received + at}")
            received_hash.update(data)
            received = end
        if io.eof and not incoming.pending and received < total:
            raise Failure(f"the server closed the TCP connection after {received} of {total} "
                          "echoed bytes")

    # Close: our close_notify, then the server's. unwrap() returns once both are done.
    while True:
        try:
            tls.unwrap()
            break
        except ssl.SSLWantReadError:
            io.flush()
            if io.eof and not incoming.pending:
                raise Failure("the server closed the TCP connection without close_notify")
            io.step()
        except ssl.SSLEOFError:
            raise Failure("the server closed the TCP connection without close_notify")
    io.flush()
    sock.close()

    sent_hex = sent_hash.hexdigest()
    received_hex = received_hash.hexdigest()
    if sent_hex != received_hex:
        raise Failure(f"SHA-256 of the echo {received_hex} differs from the data's {sent_hex}")
    seconds = time.monotonic() - start
    print(f"ok version={version} cipher={cipher} bytes={total} sent_sha256={sent_hex} "
          f"received_sha256={received_hex} close_notify=yes seconds={seconds:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print(f"bulk_client: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    except (OSError, ssl.SSLError) as e:
        print(f"bulk_client: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
