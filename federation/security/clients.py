"""Registered clients: the applications allowed to call the gateway, each with the scopes and
purposes it may use, and, for machine clients, API keys.

    clients:
      superapp:                       # the Makassar Super App (citizens)
        scopes: [warga]
        purposes: [layanan_publik, riwayat_pemrosesan]
      sistem_bpjs:                    # a machine client
        role: operator
        opd: kesehatan
        scopes: [kesehatan:read]
        purposes: [verifikasi_jkn]
        api_keys: ["sha256:9f86d081884c7d65..."]   # `splp security api-key` makes a key and this

A token names its client (`client_id` or `azp`); a token naming no registered client is
refused, and its scopes are cut to the client's. API keys are stored as SHA-256 digests only:
a key is 32 random bytes, so a digest cannot be reversed by guessing, and a leaked file holds
no usable key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ClientConfigError(ValueError):
    """The clients file is not what this module reads."""


@dataclass(frozen=True)
class Client:
    id: str
    scopes: frozenset[str]
    purposes: frozenset[str]
    role: str | None = None
    opd: str | None = None
    api_key_digests: frozenset[str] = frozenset()


def hash_api_key(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def new_api_key() -> str:
    return "splp_" + secrets.token_urlsafe(32)


class ClientRegistry:
    def __init__(self, clients: Mapping[str, Client]) -> None:
        self.clients = dict(clients)
        self._by_digest = {d: c for c in self.clients.values() for d in c.api_key_digests}

    def get(self, client_id: str | None) -> Client | None:
        return self.clients.get(client_id) if client_id else None

    def by_api_key(self, key: str) -> Client | None:
        digest = hash_api_key(key)
        for known, client in self._by_digest.items():
            # constant time per comparison, so the digest is not learnt byte by byte
            if hmac.compare_digest(known, digest):
                return client
        return None

    @classmethod
    def from_file(cls, path: str | Path) -> ClientRegistry:
        try:
            document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            raise ClientConfigError(f"{path}: {e}") from None
        return cls.from_dict(document)

    @classmethod
    def from_dict(cls, document: Any) -> ClientRegistry:
        if not isinstance(document, dict) or not isinstance(document.get("clients"), dict):
            raise ClientConfigError("the clients file needs a `clients:` mapping of client id to settings")
        clients = {}
        for client_id, settings in document["clients"].items():
            settings = settings or {}
            if not isinstance(settings, dict):
                raise ClientConfigError(f"client {client_id!r}: settings must be a mapping")
            digests = frozenset(_strings(settings, "api_keys", client_id))
            for digest in digests:
                if not digest.startswith("sha256:") or len(digest) != 71:
                    raise ClientConfigError(
                        f"client {client_id!r}: api_keys hold `sha256:<hex digest>` values, never keys"
                    )
            clients[str(client_id)] = Client(
                id=str(client_id),
                scopes=frozenset(_strings(settings, "scopes", client_id)),
                purposes=frozenset(_strings(settings, "purposes", client_id)),
                role=settings.get("role"),
                opd=settings.get("opd"),
                api_key_digests=digests,
            )
        return cls(clients)


def _strings(settings: dict[str, Any], name: str, client_id: str) -> list[str]:
    value = settings.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ClientConfigError(f"client {client_id!r}: `{name}` must be a list of strings")
    return value
