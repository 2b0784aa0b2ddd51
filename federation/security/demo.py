"""The demo's identity provider: registered clients, and a token for each role, so anyone can
try the graph as a citizen, an OPD's operator, the complaint desk or the data-protection officer.

    splp demo token warga --nik 7371014101900001
    splp demo token operator --opd kesehatan

Tokens are HS256, signed with a secret kept in the demo's data folder. Production uses the
city's identity provider (`--jwks-url`) and a clients file instead.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

import jwt

from federation.security.authenticate import Authenticator
from federation.security.clients import ClientRegistry
from federation.security.jwt import JwtAuthenticator

ISSUER = "https://sso.demo.splp.makassarkota.go.id"
AUDIENCE = "splp-gateway"
OPD_SCOPES = ("penduduk:baca", "pendapatan:baca", "kesehatan:baca", "sosial:baca", "perizinan:baca", "aduan:baca")
OPD_PURPOSES = {
    "kependudukan": "pelayanan_adminduk", "pendapatan": "pemungutan_pajak", "kesehatan": "pelayanan_kesehatan",
    "sosial": "penyaluran_bansos", "perizinan": "perizinan_usaha", "aduan": "penanganan_aduan",
}
SCOPE_OF_OPD = {opd: "penduduk:baca" if opd == "kependudukan" else f"{opd}:baca" for opd in OPD_PURPOSES}

CLIENTS: dict[str, Any] = {
    "clients": {
        "superapp": {"scopes": [], "purposes": ["layanan_publik", "riwayat_pemrosesan"]},
        "backoffice": {
            "scopes": [*OPD_SCOPES, "penduduk:daftar", "pendapatan:bayar"],
            "purposes": sorted(OPD_PURPOSES.values()),
        },
        "meja_aduan": {"scopes": ["aduan:baca"], "purposes": ["penanganan_aduan"]},
        "aplikasi_petugas": {"scopes": ["aduan:baca"], "purposes": ["penanganan_aduan"]},
        "konsol_dpo": {"scopes": [*OPD_SCOPES, "penduduk:daftar"], "purposes": ["pengawasan_pdp"]},
    }
}

# role → (client, scopes, the purpose GraphiQL's role picker states)
ROLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "warga": ("superapp", (), "layanan_publik"),
    "operator": ("backoffice", (), ""),  # its OPD's scope, see token()
    "meja_aduan": ("meja_aduan", ("aduan:baca",), "penanganan_aduan"),
    "koordinator": ("aplikasi_petugas", ("aduan:baca",), "penanganan_aduan"),
    "petugas_lapangan": ("aplikasi_petugas", ("aduan:baca",), "penanganan_aduan"),
    "kepala_opd": ("backoffice", ("aduan:baca",), "penanganan_aduan"),
    "admin_kota": ("backoffice", (*OPD_SCOPES, "penduduk:daftar"), "pelayanan_adminduk"),
    "dpo": ("konsol_dpo", (*OPD_SCOPES, "penduduk:daftar"), "pengawasan_pdp"),
}


class DemoIdentity:
    def __init__(self, secret: str) -> None:
        self.secret = secret

    @classmethod
    def in_folder(cls, folder: Path) -> DemoIdentity:
        """The demo's secret, made once and kept in `folder` (0600)."""
        path = folder / "jwt.secret"
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return cls(path.read_text().strip())

    def token(self, role: str, *, nik: str | None = None, opd: str | None = None, name: str | None = None,
              hours: float = 8.0) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        if role == "warga" and not nik:
            raise ValueError("a citizen's token needs --nik")
        client, scopes, _ = ROLES[role]
        if role == "operator":
            opd = opd or "kependudukan"
            if opd not in SCOPE_OF_OPD:
                raise ValueError(f"unknown OPD {opd!r}; one of {', '.join(SCOPE_OF_OPD)}")
            scopes = (SCOPE_OF_OPD[opd], *(("penduduk:daftar",) if opd == "kependudukan" else ()),
                      *(("pendapatan:bayar",) if opd == "pendapatan" else ()))
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER, "aud": AUDIENCE, "sub": f"demo-{role}" + (f"-{nik}" if nik else ""),
            "client_id": client, "role": role, "scope": " ".join(scopes), "iat": now, "exp": now + int(hours * 3600),
        }
        for claim, value in (("nik", nik), ("opd", opd), ("name", name)):
            if value:
                claims[claim] = value
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def purpose(self, role: str, opd: str | None = None) -> str:
        if role == "operator":
            return OPD_PURPOSES.get(opd or "kependudukan", "pelayanan_adminduk")
        return ROLES[role][2]

    def authenticator(self, require_auth: bool = False) -> Authenticator:
        return Authenticator(
            jwt=JwtAuthenticator(secret=self.secret, audience=AUDIENCE, issuer=ISSUER),
            clients=ClientRegistry.from_dict(CLIENTS),
            require_auth=require_auth,
        )
