"""Roles to pick in the demo: a signed token per Lontara Plus role (HS256, demo secret), so every
step can be tried from GraphiQL with `Authorization: Bearer <token>`. Never used outside the demo."""

from __future__ import annotations

import time

import jwt

DEMO_SECRET = "splp-demo-only-secret-not-for-production"


def demo_tokens(nik: str, hours: int = 12) -> dict[str, str]:
    """Tokens for the people of one complaint: the citizen `nik`, the desk, DINAS_PU's coordinator,
    field officer and head, and the city."""
    now = int(time.time())
    people = {
        "warga": {"sub": f"warga-{nik}", "role": "warga", "nik": nik, "name": "Warga Demo"},
        "meja_aduan": {"sub": "meja-1", "role": "meja_aduan", "name": "Nurul Hidayah"},
        "koordinator": {"sub": "koord-pu", "role": "koordinator", "opd": "DINAS_PU", "name": "Syamsul Bahri"},
        "petugas_lapangan": {"sub": "petugas-dinas_pu-1", "role": "petugas_lapangan", "opd": "DINAS_PU",
                             "name": "Petugas PU"},
        "kepala_opd": {"sub": "kepala-pu", "role": "kepala_opd", "opd": "DINAS_PU", "name": "Kepala Dinas PU"},
        "admin_kota": {"sub": "admin-kota", "role": "admin_kota", "name": "Admin Kota"},
    }
    return {role: jwt.encode({**claims, "client_id": "demo", "iat": now, "exp": now + hours * 3600}, DEMO_SECRET,
                             algorithm="HS256") for role, claims in people.items()}
