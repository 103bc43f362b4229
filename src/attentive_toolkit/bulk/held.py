"""The users of batches a run leaves for the next one, in bounded memory.

Once a batch is held (not sent, or its job not followed to the end), every later line of its users must be held
too. A run that leaves many batches (a long import stopped early, jobs not waited for) would need a key per line,
so held users go into a Bloom filter of fixed size instead: a false positive holds a line that could have been sent
(the next run sends it, in order), never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable

BITS = 1 << 27  # 16 MiB, allocated on first use: ~10^-5 false positives at 2,000,000 held users
_MIX = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)
_WORD = (1 << 64) - 1


class HeldKeys:
    def __init__(self, bits: int = BITS) -> None:
        if bits & (bits - 1):
            raise ValueError("the number of bits must be a power of two")
        self._mask = bits - 1
        self._bits: bytearray | None = None
        self._size = bits // 8

    def _positions(self, key: int) -> list[int]:
        return [(((key * mix) & _WORD) >> 20) & self._mask for mix in _MIX]

    def add(self, keys: Iterable[int]) -> None:
        if self._bits is None:
            self._bits = bytearray(self._size)
        bits = self._bits
        for key in keys:
            for position in self._positions(key):
                bits[position >> 3] |= 1 << (position & 7)

    def __contains__(self, key: int) -> bool:
        bits = self._bits
        if bits is None:
            return False
        return all(bits[position >> 3] & (1 << (position & 7)) for position in self._positions(key))
