#!/usr/bin/env python3
"""An independent reimplementation of `revcap simulate` (docs/montecarlo.md §2), from
the documentation alone: ChaCha20 written out here, the key derivation, uniforms,
Box-Muller, the walk, the 12-place multiplier and the half-even rounding. It draws the
same paths as the binary and compares every row.

    cargo build && python3 tools/montecarlo_reference.py [REVCAP_BINARY]

Python's math module uses the platform's libm, revcap uses the `libm` crate: their
last bits may differ (rarely), which can move a multiplier's 12th place and, more
rarely still, a cent. Rows are therefore compared exactly, and any difference is
reported with its size; the run fails on a difference over one cent or on more than
one row in a thousand differing.
"""
import datetime
import math
import os
import struct
import subprocess
import sys
import tempfile
from decimal import Decimal, ROUND_HALF_EVEN, getcontext

getcontext().prec = 60
MASK = 0xFFFFFFFF


def rotl(v, c):
    return ((v << c) & MASK) | (v >> (32 - c))


def quarter(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & MASK; s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK; s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK; s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK; s[b] = rotl(s[b] ^ s[c], 7)


def chacha20_block(key, counter, stream):
    """The 16 output words of ChaCha20 (20 rounds): constants, 8 key words, a 64-bit
    block counter (words 12-13) and a 64-bit stream id (words 14-15)."""
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += list(struct.unpack("<8I", key))
    state += [counter & MASK, counter >> 32, stream & MASK, stream >> 32]
    w = state[:]
    for _ in range(10):
        quarter(w, 0, 4, 8, 12); quarter(w, 1, 5, 9, 13)
        quarter(w, 2, 6, 10, 14); quarter(w, 3, 7, 11, 15)
        quarter(w, 0, 5, 10, 15); quarter(w, 1, 6, 11, 12)
        quarter(w, 2, 7, 8, 13); quarter(w, 3, 4, 9, 14)
    return [(a + b) & MASK for a, b in zip(w, state)]


class Stream:
    def __init__(self, key, stream):
        self.key, self.stream, self.counter, self.words = key, stream, 0, []

    def next_u64(self):
        while len(self.words) < 2:
            self.words += chacha20_block(self.key, self.counter, self.stream)
            self.counter += 1
        lo, hi = self.words[0], self.words[1]
        self.words = self.words[2:]
        return (hi << 32) | lo


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def key(seed, name):
    return struct.pack("<QQ", seed, fnv1a64(name.encode())) + bytes(16)


def normals(rng, count):
    out = []
    while len(out) < count:
        u1 = (rng.next_u64() >> 11) * (1.0 / 9007199254740992.0)
        u2 = (rng.next_u64() >> 11) * (1.0 / 9007199254740992.0)
        r = math.sqrt(-2.0 * math.log(1.0 - u1))
        theta = 2.0 * math.pi * u2
        out.append(r * math.cos(theta))
        if len(out) < count:
            out.append(r * math.sin(theta))
    return out


def path(name, periods, start, sigma, seed, n, places=2):
    """periods: [(label, last day, revenue as Decimal)]."""
    rng = Stream(key(seed, name), n)
    days = [(end - start).days for _, end, _ in periods]
    simulated = [i for i, d in enumerate(days) if d > 0]
    z = normals(rng, len(simulated))
    out = [str(r) for _, _, r in periods]
    w, last = 0.0, 0
    for k, i in enumerate(simulated):
        w += sigma * math.sqrt((days[i] - last) / 365.0) * z[k]
        last = days[i]
        units = round_half_away(math.exp(w) * 1e12)
        m = Decimal(int(units)).scaleb(-12)
        v = (periods[i][2] * m).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
        out[i] = str(v)
    return out


def round_half_away(x):
    return math.floor(x + 0.5) if x >= 0 else math.ceil(x - 0.5)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "target", "debug", "revcap")
    base = [("2025", datetime.date(2025, 12, 31), Decimal("13100000000")),
            ("2026", datetime.date(2026, 12, 31), Decimal("30000000000")),
            ("2027", datetime.date(2027, 12, 31), Decimal("62000000000")),
            ("2028", datetime.date(2028, 12, 31), Decimal("100000000000")),
            ("2029", datetime.date(2029, 12, 31), Decimal("167330000000")),
            ("2030", datetime.date(2030, 12, 31), Decimal("280000000000"))]
    start = datetime.date(2026, 4, 27)
    count, seed = 300, 42
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "feb.csv")
        with open(f, "w") as out:
            out.write("period,revenue\n")
            for label, _, r in base:
                out.write(f"{label},{r}\n")
        text = subprocess.run(
            [binary, "simulate", f, "--paths", str(count), "--volatility", "35%",
             "--seed", str(seed), "--start", str(start)],
            check=True, capture_output=True, text=True).stdout
    rows = text.splitlines()[1:]
    differ, worst = 0, Decimal(0)
    for n in range(1, count + 1):
        want = path("feb", base, start, 0.35, seed, n)
        name = f"feb.{n:0{len(str(count))}d}"
        for i, (label, _, _) in enumerate(base):
            got = rows[(n - 1) * len(base) + i]
            expect = f"{name},{label},{want[i]}"
            if got != expect:
                differ += 1
                worst = max(worst, abs(Decimal(got.split(",")[2]) - Decimal(want[i])))
                print(f"differs: {got} (reference {want[i]})")
    total = count * len(base)
    print(f"{total - differ} of {total} rows identical; largest difference {worst}")
    if worst > Decimal("0.01") or differ * 1000 > total:
        sys.exit(1)


if __name__ == "__main__":
    main()
