"""The access trail's records and their chain: each record carries the previous record's hash,
so an edited, deleted, inserted or reordered record breaks the chain at that record; signed
checkpoints (Ed25519) fix the head, so a truncated tail is found too.

A record's hash is SHA-256 over the previous hash and the record's canonical JSON (sorted keys,
no spaces), which `splp trail verify` recomputes with nothing but the database and the public key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS = "0" * 64
# The fields of a record that its hash covers, in the table's column order.
FIELDS = (
    "seq",
    "at",
    "kind",
    "writer",
    "client",
    "subject",
    "role",
    "purpose",
    "operation",
    "operation_hash",
    "fields",
    "niks",
    "outcome",
)


def canonical(record: dict[str, Any]) -> bytes:
    return json.dumps(
        {k: record.get(k) for k in FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def record_hash(prev_hash: str, record: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(record)).hexdigest()


def checkpoint_message(seq: int, hash_: str) -> bytes:
    return f"splp-trail-checkpoint:{seq}:{hash_}".encode()


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def key_id(self) -> str:
        return key_id(self.private.public_key())

    def sign(self, seq: int, hash_: str) -> str:
        return self.private.sign(checkpoint_message(seq, hash_)).hex()

    @classmethod
    def load(cls, path: str) -> SigningKey:
        with open(path, "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path}: the trail's checkpoint key must be an Ed25519 private key")
        return cls(key)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    def private_pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(path: str) -> Ed25519PublicKey:
    with open(path, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path}: not an Ed25519 public key")
    return key
