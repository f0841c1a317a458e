"""Signed statements (xAPI 1.0.3 §2.6, 2.0 §5.4): a well-formed JWS that signs this statement."""

from __future__ import annotations

import base64

import jwt
from cryptography import x509

from uprest.xapi import jsonio
from uprest.xapi.normalise import comparable
from uprest.xapi.validation import StatementError

ALGORITHMS = ("RS256", "RS384", "RS512")


def _without_signature(statement: dict) -> dict:
    value = dict(statement)
    value.pop("attachments", None)
    return value


def verify(token: bytes, statement: dict, path: str) -> None:
    """Reject a signature that is not a JWS of ``statement`` made with an RSA SHA-2 algorithm."""
    try:
        text = token.decode("ascii").strip()
        header = jwt.get_unverified_header(text)
        payload = jsonio.parse(base64.urlsafe_b64decode(text.split(".")[1] + "=="))
    except (UnicodeDecodeError, jwt.InvalidTokenError, ValueError, IndexError):
        raise StatementError(path, "the signature is not a valid JWS") from None
    if header.get("alg") not in ALGORITHMS:
        raise StatementError(path, "the signature must use RS256, RS384 or RS512")
    if not isinstance(payload, dict) or comparable(_without_signature(payload)) != comparable(
        _without_signature(statement)
    ):
        raise StatementError(path, "the signed payload differs from the statement")
    chain = header.get("x5c")
    if chain:
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
            jwt.api_jws.PyJWS().decode(
                text, key=certificate.public_key(), algorithms=[header["alg"]]
            )
        except (ValueError, jwt.InvalidTokenError):
            raise StatementError(path, "the signature does not verify") from None
