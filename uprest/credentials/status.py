"""W3C Bitstring Status List: one bit per credential, 1 = revoked; plain functions, no Flask."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

# 16 KiB per list, the spec's minimum size, so a bit says little about whose credential it is.
LIST_SIZE = 131_072


def place(credential_id: int) -> tuple[int, int]:
    """Which list and which bit of it hold a credential's status."""
    return divmod(credential_id, LIST_SIZE)


def encode(revoked_bits: Iterable[int]) -> str:
    """GZIP, then base64url with the multibase prefix ``u``; bit 0 is the left-most bit.

    The gzip header carries no time, so the same bits always give the same text (and signature).
    """
    bits = bytearray(LIST_SIZE // 8)
    for index in revoked_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def is_set(encoded: str, index: int) -> bool:
    """Read one bit back; ValueError for anything that is not an encoded list of this size."""
    if not encoded.startswith("u"):
        raise ValueError("not a multibase base64url string")
    text = encoded[1:]
    try:
        bits = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (OSError, ValueError, EOFError) as error:
        raise ValueError("not a GZIP-compressed bitstring") from error
    if not 0 <= index < len(bits) * 8:
        raise ValueError("index outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
