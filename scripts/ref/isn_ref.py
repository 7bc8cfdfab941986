#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""An independent model of seqstate's ISN function F, for tests.

SipHash-2-4 written from the paper (Aumasson & Bernstein, 2012), sharing no code with the
kernel or the module. F's input layout (README, "The ISN function"):

  IPv4: local addr (4 bytes) | remote addr (4) | local port (2) | remote port (2)
  IPv6: local addr (16)      | remote addr (16)| local port (2) | remote port (2)

addresses and ports in network byte order; the key is 16 bytes, written as 32 hex digits
byte by byte. F = the low 32 bits of the 64-bit SipHash; the TCP timestamp offset is the
high 32 bits. ISN = (F + M) mod 2^32, M = CLOCK_MONOTONIC in ns / 4000.

  isn_ref.py vectors            the paper's 64 reference vectors, as C initialisers
  isn_ref.py f KEYHEX LADDR LPORT RADDR RPORT      print F and the timestamp offset
  isn_ref.py kunit              the KUnit table of tuples, keys and F values (C)
  isn_ref.py check < RESULTS    judge the "isn-wire" lines a guest test captured: with
                                active=1 the sequence number on the wire minus F must lie
                                within the guest's clock readings around the connection
                                (m0..m1 in 4 us ticks, +-2500 for /proc/uptime's 10 ms
                                resolution); with active=0 it must not
"""
import ipaddress
import sys

MASK = (1 << 64) - 1


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def siphash24(key: bytes, data: bytes) -> int:
    k0 = int.from_bytes(key[0:8], "little")
    k1 = int.from_bytes(key[8:16], "little")
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def rounds(n):
        nonlocal v0, v1, v2, v3
        for _ in range(n):
            v0 = (v0 + v1) & MASK
            v1 = rotl(v1, 13) ^ v0
            v0 = rotl(v0, 32)
            v2 = (v2 + v3) & MASK
            v3 = rotl(v3, 16) ^ v2
            v0 = (v0 + v3) & MASK
            v3 = rotl(v3, 21) ^ v0
            v2 = (v2 + v1) & MASK
            v1 = rotl(v1, 17) ^ v2
            v2 = rotl(v2, 32)

    tail = len(data) % 8
    for i in range(0, len(data) - tail, 8):
        m = int.from_bytes(data[i:i + 8], "little")
        v3 ^= m
        rounds(2)
        v0 ^= m
    b = (len(data) & 0xFF) << 56
    b |= int.from_bytes(data[len(data) - tail:], "little")
    v3 ^= b
    rounds(2)
    v0 ^= b
    v2 ^= 0xFF
    rounds(4)
    return v0 ^ v1 ^ v2 ^ v3


def f(keyhex: str, laddr: str, lport: int, raddr: str, rport: int):
    key = bytes.fromhex(keyhex)
    data = (ipaddress.ip_address(laddr).packed + ipaddress.ip_address(raddr).packed +
            lport.to_bytes(2, "big") + rport.to_bytes(2, "big"))
    h = siphash24(key, data)
    return h & 0xFFFFFFFF, h >> 32


KUNIT_TUPLES = [
    ("000102030405060708090a0b0c0d0e0f", "192.0.2.1", 40000, "198.51.100.7", 80),
    ("000102030405060708090a0b0c0d0e0f", "198.51.100.7", 80, "192.0.2.1", 40000),
    ("000102030405060708090a0b0c0d0e0f", "192.0.2.1", 40001, "198.51.100.7", 80),
    ("ffeeddccbbaa99887766554433221100", "192.0.2.1", 40000, "198.51.100.7", 80),
    ("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "127.0.0.1", 1, "127.0.0.1", 65535),
    ("000102030405060708090a0b0c0d0e0f", "2001:db8::1", 40000, "2001:db8::beef", 443),
    ("000102030405060708090a0b0c0d0e0f", "2001:db8::beef", 443, "2001:db8::1", 40000),
    ("ffeeddccbbaa99887766554433221100", "2001:db8::1", 40000, "2001:db8::beef", 443),
    ("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "::1", 5555, "fe80::1:2:3:4", 22),
]


def check(lines):
    """Returns the number of failures; prints one line per packet."""
    failed = seen = 0
    for line in lines:
        if not line.startswith("isn-wire "):
            continue
        seen += 1
        kv = dict(w.split("=", 1) for w in line.split()[1:])
        src, sport = kv["src"].rsplit(":", 1)
        dst, dport = kv["dst"].rsplit(":", 1)
        fv, _ = f(kv["key"], src.strip("[]"), int(sport), dst.strip("[]"), int(dport))
        m = (int(kv["seq"]) - fv) % (1 << 32)
        lo, hi = int(kv["m0"]) - 2500, int(kv["m1"]) + 2500
        inside = lo <= m <= hi
        ok = inside if kv["active"] == "1" else not inside
        failed += not ok
        print("%s %s -> %s seq=%s F=%u seq-F=%u window=[%d,%d] active=%s" %
              ("ok" if ok else "NOT OK", kv["src"], kv["dst"], kv["seq"], fv, m, lo, hi,
               kv["active"]))
    if not seen:
        print("no isn-wire lines")
        return 1
    return failed


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "kunit"
    if cmd == "vectors":
        key = bytes(range(16))
        for n in range(64):
            print("\t0x%016xULL," % siphash24(key, bytes(range(n))))
    elif cmd == "f":
        fv, ts = f(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], int(sys.argv[6]))
        print("f=%u ts_off=%u" % (fv, ts))
    elif cmd == "kunit":
        print("/* SPDX-License-Identifier: GPL-2.0 */")
        print("/* Generated by scripts/ref/isn_ref.py kunit: do not edit. */")
        for keyhex, la, lp, ra, rp in KUNIT_TUPLES:
            fv, ts = f(keyhex, la, lp, ra, rp)
            print('\t{ "%s",\n\t  "%s", %d, "%s", %d, 0x%08xU, 0x%08xU },'
                  % (keyhex, la, lp, ra, rp, fv, ts))
    elif cmd == "check":
        sys.exit(1 if check(sys.stdin) else 0)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
