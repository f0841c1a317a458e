"""JSON for the learning record's hot paths: orjson, with the standard library as a fallback.

Statements are parsed and serialised several times per request; orjson does that about five
times faster than the ``json`` module. It refuses what isn't JSON (NaN, Infinity, lone
surrogates), and reads integers beyond 64 bits as doubles (I-JSON's advice, RFC 7493).
"""

from __future__ import annotations

import json

import orjson

loads = orjson.loads


def dumps(value) -> str:
    """Compact JSON text, non-ASCII kept as is."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits from an older row
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
