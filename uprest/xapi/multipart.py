"""multipart/mixed bodies: statements with attachment parts, in and out."""

from __future__ import annotations

import hashlib
import json
import secrets
from email import policy
from email.parser import BytesParser

from uprest.xapi import jsonio
from uprest.xapi.http import LrsError

HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


def parse(content_type: str, body: bytes) -> tuple[object, dict[str, tuple[str, bytes]]]:
    """The statements JSON and the attachments by SHA-2, checked against their hashes."""
    if "boundary=" not in content_type:
        raise LrsError(400, "multipart/mixed needs a boundary")
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise LrsError(400, "the body is not multipart/mixed")
    parts = list(message.iter_parts())
    if not parts or parts[0].get_content_type() != "application/json":
        raise LrsError(400, "the first part must be the statements as application/json")
    try:
        statements = jsonio.parse(parts[0].get_payload(decode=True))
    except ValueError:
        raise LrsError(400, "the first part is not valid JSON") from None
    attachments: dict[str, tuple[str, bytes]] = {}
    for part in parts[1:]:
        sha2 = part.get("X-Experience-API-Hash")
        if not sha2:
            raise LrsError(400, "every attachment part needs an X-Experience-API-Hash header")
        if (part.get("Content-Transfer-Encoding") or "").strip().lower() != "binary":
            raise LrsError(400, "attachment parts must use Content-Transfer-Encoding: binary")
        content = part.get_payload(decode=True) or b""
        algorithm = HASHES.get(len(sha2.strip()))
        if algorithm is None or algorithm(content).hexdigest() != sha2.strip().lower():
            raise LrsError(400, "an attachment part does not match its X-Experience-API-Hash")
        attachments[sha2.strip()] = (part.get_content_type(), content)
    return statements, attachments


def build(document: object, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed body: the JSON first, then each (sha2, content type, content)."""
    boundary = "uprest-" + secrets.token_hex(12)
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(document, ensure_ascii=False).encode(),
        b"\r\n",
    ]
    for sha2, content_type, content in attachments:
        chunks.append(
            (
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
            ).encode()
        )
        chunks += [content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"
