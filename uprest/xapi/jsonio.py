"""JSON for the learning record's hot paths: orjson, with the standard library as a fallback.

Statements are parsed and serialised several times per request; orjson does that about five
times faster than the ``json`` module. It refuses what isn't JSON (NaN, Infinity, lone
surrogates), and reads integers beyond 64 bits as doubles (I-JSON's advice, RFC 7493).
"""

from __future__ import annotations

import json

import orjson

loads = orjson.loads

MAX_DEPTH = 64


def parse(data: bytes | str):
    """JSON from a client: ``loads`` plus a nesting limit, so nothing later (validation,
    serialising, merging) recurses into a hostile depth. A repeated key keeps its last value
    (as every JSON parser here does); I-JSON forbids repeats, so clients must not rely on it."""
    value = loads(data)
    if isinstance(data, str):
        data = data.encode()
    if data.count(b"{") + data.count(b"[") > MAX_DEPTH:  # else it cannot be too deep
        _check_depth(value)
    return value


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""


def _check_depth(value) -> None:
    level = [value]
    for _ in range(MAX_DEPTH + 1):
        level = [
            child
            for node in level
            if isinstance(node, (dict, list))
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, (dict, list))
        ]
        if not level:
            return
    raise TooDeep(f"JSON nested deeper than {MAX_DEPTH} levels")


def dumps(value) -> str:
    """Compact JSON text, non-ASCII kept as is."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits from an older row
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
