"""The demo's identity provider: registered clients, and a token for each role, so anyone can
try the graph as a citizen, an OPD's operator, the complaint desk or the data-protection officer.

    splp demo token warga --nik 7371014101900001
    splp demo token operator --opd kesehatan

Tokens are HS256, signed with a secret kept in the demo's data folder. Production uses the
city's identity provider (`--jwks-url`) and a clients file instead.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from federation.security.authenticate import Authenticator
from federation.security.clients import ClientRegistry
from federation.security.jwt import JwtAuthenticator
from federation.security.signing import RequestSigner
from federation.trail.chain import SigningKey
from federation.trail.store import TrailWriter
from subgraphs.kit.signing import ENV_KEYS, parse_keys

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


# Lontara Plus's staff belong to an OPD of the complaint workflow (subgraphs.aduan).
COMPLAINT_STAFF = frozenset({"koordinator", "petugas_lapangan", "kepala_opd"})
DEMO_COMPLAINT_OPD = "DINAS_PU"
# The people of one demo complaint (as subgraphs.aduan.demo names them): role → (subject, name).
PEOPLE = {
    "warga": (None, "Warga Demo"),
    "meja_aduan": ("meja-1", "Nurul Hidayah"),
    "koordinator": ("koord-pu", "Syamsul Bahri"),
    "petugas_lapangan": ("petugas-dinas_pu-1", "Petugas PU"),
    "kepala_opd": ("kepala-pu", "Kepala Dinas PU"),
    "admin_kota": ("admin-kota", "Admin Kota"),
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
              subject: str | None = None, hours: float = 8.0) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        if role == "warga" and not nik:
            raise ValueError("a citizen's token needs --nik")
        client, scopes, _ = ROLES[role]
        if role in COMPLAINT_STAFF and not opd:
            opd = DEMO_COMPLAINT_OPD
        if role != "warga" and role in PEOPLE and opd in (None, DEMO_COMPLAINT_OPD):
            # The people of the demo complaint, whoever asks (CLI, role picker): the officer a
            # coordinator assigns is the one whose token works the complaint.
            subject = subject or PEOPLE[role][0]
            name = name or PEOPLE[role][1]
        if role == "operator":
            opd = opd or "kependudukan"
            if opd not in SCOPE_OF_OPD:
                raise ValueError(f"unknown OPD {opd!r}; one of {', '.join(SCOPE_OF_OPD)}")
            scopes = (SCOPE_OF_OPD[opd], *(("penduduk:daftar",) if opd == "kependudukan" else ()),
                      *(("pendapatan:bayar",) if opd == "pendapatan" else ()))
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER, "aud": AUDIENCE, "sub": subject or f"demo-{role}" + (f"-{nik}" if nik else ""),
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


def demo_routes(identity: DemoIdentity, sample_nik: str | None = None) -> list[Route]:
    """`/demo/roles` and `/demo/token`, which GraphiQL's role picker uses. Demo only: anyone who
    can reach them can become anyone."""

    async def roles(request: Request) -> Response:
        return JSONResponse({"roles": list(ROLES), "opds": list(SCOPE_OF_OPD), "sample_nik": sample_nik})

    async def token(request: Request) -> Response:
        role = request.query_params.get("role", "")
        nik = request.query_params.get("nik") or None
        opd = request.query_params.get("opd") or None
        try:
            issued = identity.token(role, nik=nik if role == "warga" else None,
                                    opd=opd if role == "operator" else None)
        except ValueError as e:
            return JSONResponse({"error": str(e)[:200]}, status_code=400)
        return JSONResponse({"token": issued, "purpose": identity.purpose(role, opd)})

    return [Route("/demo/roles", roles, methods=["GET"]), Route("/demo/token", token, methods=["GET"])]


class DemoSecurity:
    """Everything the demo needs to run as production would, with keys kept in its data folder:
    the token secret, the gateway's request-signing key (given to the subgraphs through
    SPLP_SIGNING_KEYS), and the access trail in SQLite with its checkpoint key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.identity = DemoIdentity.in_folder(folder)
        keys = folder / "signing.keys"
        if not keys.exists():
            keys.write_text(f"demo-{secrets.token_hex(4)}:{secrets.token_urlsafe(32)}\n")
            keys.chmod(0o600)
        self.signing_keys = parse_keys(keys.read_text())
        # The subgraphs the demo starts in this process read it: they answer only the gateway.
        os.environ[ENV_KEYS] = keys.read_text().strip()
        private, self.trail_public = folder / "trail.key", folder / "trail.pub"
        if not private.exists():
            key = SigningKey.generate()
            private.write_bytes(key.private_pem())
            private.chmod(0o600)
            self.trail_public.write_bytes(key.public_pem())
        self.trail_key = SigningKey.load(str(private))
        self.trail_url = f"sqlite:///{(folder / 'trail.db').resolve()}"

    def gateway_app(self, supergraph_sdl: str, sample_nik: str | None = None) -> Starlette:
        from federation.gateway import Gateway
        from federation.http.app import create_app
        from federation.supergraph import Supergraph

        gateway = Gateway(
            Supergraph.from_sdl(supergraph_sdl),
            authenticator=self.identity.authenticator(),
            signer=RequestSigner.from_keys(self.signing_keys),
            trail=TrailWriter(self.trail_url, key=self.trail_key, writer="demo-gateway"),
            require_purpose=True,
            mask_errors=True,  # a token with the splp:debug scope sees subgraph messages
            introspection=True,  # GraphiQL's docs and completion
        )
        app = create_app(gateway.supergraph, gateway=gateway)
        app.router.routes[:0] = demo_routes(self.identity, sample_nik)
        return app


def people_tokens(identity: DemoIdentity, nik: str) -> dict[str, str]:
    """A token for each person of one demo complaint: the citizen `nik`, the desk, DINAS_PU's
    coordinator, field officer and head, and the city."""
    return {
        role: identity.token(role, nik=nik if role == "warga" else None, name=name,
                             subject=subject or f"warga-{nik}")
        for role, (subject, name) in PEOPLE.items()
    }
