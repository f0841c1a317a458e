"""The issuer's Ed25519 signing key: a PEM file the admin makes once, and its public forms.

The private key lives in a file (``UPREST_CREDENTIAL_KEY_FILE``, by default
``instance/credential-signing-key.pem``), readable by the app's user only, like a TLS key: it is
never in the database, a page or a log. The public key is served as a JWKS and in a ``did:web``
document, so anyone can check a credential without asking us.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app, has_request_context, url_for

from uprest.core.errors import ServiceError
from uprest.i18n import _l

KEY_NAME = "key-1"


def key_path() -> Path:
    configured = current_app.config.get("UPREST_CREDENTIAL_KEY_FILE")
    return (
        Path(configured)
        if configured
        else Path(current_app.instance_path) / "credential-signing-key.pem"
    )


def generate(path: Path, force: bool = False) -> Ed25519PublicKey:
    """Write a new private key (mode 0600); an existing key is kept unless ``force``: a new key
    makes every credential already handed out fail verification."""
    if path.exists() and not force:
        raise ServiceError(
            _l("A signing key already exists; replacing it invalidates issued credentials.")
        )
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as target:
        target.write(pem)
    os.chmod(path, 0o600)
    return key.public_key()


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise ServiceError(
            _l("Credentials cannot be issued yet: the administrator has not set up a signing key.")
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ServiceError(_l("The signing key is not an Ed25519 key."))
    return key


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_x() -> str:
    return _b64(
        public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def public_jwk() -> dict:
    """The public key only: an OKP JWK has no ``d``."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": public_x(),
        "alg": "EdDSA",
        "use": "sig",
        "kid": kid(),
    }


def knows_address() -> bool:
    """Outside a request (the CLI) the DID is known only when SERVER_NAME is set."""
    return has_request_context() or bool(current_app.config.get("SERVER_NAME"))


def issuer_did() -> str:
    """``did:web`` of the document's address: host (port percent-encoded), then the path."""
    address = urlsplit(url_for("uprest.credentials.did_document", _external=True))
    segments = [part for part in address.path.split("/")[:-1] if part]
    return ":".join(["did:web", quote(address.netloc, safe="")] + segments)


def kid() -> str:
    return f"{issuer_did()}#{KEY_NAME}"


def did_document() -> dict:
    did = issuer_did()
    jwk = {key: value for key, value in public_jwk().items() if key in {"kty", "crv", "x"}}
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/suites/jws-2020/v1",
        ],
        "id": did,
        "verificationMethod": [
            {"id": kid(), "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
        ],
        "assertionMethod": [kid()],
        "authentication": [kid()],
    }
