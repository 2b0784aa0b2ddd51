"""The complaint workflow: its states, its steps, and who may take each step.

    DITERIMA ─verifikasi─► DIVERIFIKASI ─disposisi─► DIDISPOSISIKAN ─tugaskan─► DITUGASKAN
       │                    │    ▲                        │                      │ ▲
       └──────tolak─────────┴─► DITOLAK    └──kembalikan──┘          tangani ────┘ │
                                                                          ▼        │ bukaKembali
                              DIKONFIRMASI ◄─konfirmasi── SELESAI ◄─selesaikan─ DITANGANI

The complaint desk (meja_aduan) verifies, rejects and dispatches; the coordinator of the OPD a
complaint was dispatched to assigns a field officer or sends it back to the desk; the assigned
officer records the handling and marks it done; the citizen who filed it confirms or reopens it
within a window, and rates the handling. DIKONFIRMASI and DITOLAK are final.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final


class StatusAduan(Enum):
    DITERIMA = "DITERIMA"
    DIVERIFIKASI = "DIVERIFIKASI"
    DIDISPOSISIKAN = "DIDISPOSISIKAN"
    DITUGASKAN = "DITUGASKAN"
    DITANGANI = "DITANGANI"
    SELESAI = "SELESAI"
    DIKONFIRMASI = "DIKONFIRMASI"
    DITOLAK = "DITOLAK"


class KategoriAduan(Enum):
    JALAN_RUSAK = "JALAN_RUSAK"
    SAMPAH = "SAMPAH"
    BANJIR = "BANJIR"
    DRAINASE = "DRAINASE"
    PENERANGAN_JALAN = "PENERANGAN_JALAN"
    ADMINISTRASI_KEPENDUDUKAN = "ADMINISTRASI_KEPENDUDUKAN"
    PELAYANAN_KESEHATAN = "PELAYANAN_KESEHATAN"
    BANTUAN_SOSIAL = "BANTUAN_SOSIAL"
    PERIZINAN = "PERIZINAN"
    LAINNYA = "LAINNYA"


class OpdTujuan(Enum):
    DISDUKCAPIL = "DISDUKCAPIL"
    BAPENDA = "BAPENDA"
    DINKES = "DINKES"
    DINSOS = "DINSOS"
    DPMPTSP = "DPMPTSP"
    DINAS_PU = "DINAS_PU"
    DLH = "DLH"
    DISHUB = "DISHUB"
    BPBD = "BPBD"


# A principal's `opd` claim may name the OPD by its subgraph (as the gateway's clients do) or by
# its agency code; both mean the same agency.
OPD_OF_SUBGRAPH: Final = {
    "kependudukan": OpdTujuan.DISDUKCAPIL, "pendapatan": OpdTujuan.BAPENDA, "kesehatan": OpdTujuan.DINKES,
    "sosial": OpdTujuan.DINSOS, "perizinan": OpdTujuan.DPMPTSP,
}

# The OPD a category usually goes to (the desk may dispatch elsewhere).
OPD_KATEGORI: Final = {
    KategoriAduan.JALAN_RUSAK: OpdTujuan.DINAS_PU, KategoriAduan.SAMPAH: OpdTujuan.DLH,
    KategoriAduan.BANJIR: OpdTujuan.BPBD, KategoriAduan.DRAINASE: OpdTujuan.DINAS_PU,
    KategoriAduan.PENERANGAN_JALAN: OpdTujuan.DISHUB, KategoriAduan.ADMINISTRASI_KEPENDUDUKAN: OpdTujuan.DISDUKCAPIL,
    KategoriAduan.PELAYANAN_KESEHATAN: OpdTujuan.DINKES, KategoriAduan.BANTUAN_SOSIAL: OpdTujuan.DINSOS,
    KategoriAduan.PERIZINAN: OpdTujuan.DPMPTSP, KategoriAduan.LAINNYA: OpdTujuan.DLH,
}


def opd_of_claim(claim: str | None) -> OpdTujuan | None:
    if not claim:
        return None
    if claim in OPD_OF_SUBGRAPH:
        return OPD_OF_SUBGRAPH[claim]
    try:
        return OpdTujuan(claim.upper())
    except ValueError:
        return None


class Pelaku(Enum):
    """Who takes a step: the role, and which complaints the role may act on."""

    MEJA_ADUAN = "meja_aduan"  # any complaint
    KOORDINATOR_OPD = "koordinator"  # a complaint dispatched to the coordinator's OPD
    PETUGAS_DITUGASKAN = "petugas_lapangan"  # a complaint assigned to this officer
    PELAPOR = "warga"  # the citizen who filed it


@dataclass(frozen=True)
class Langkah:
    name: str  # as in the history and in events
    dari: frozenset[StatusAduan]
    ke: StatusAduan
    pelaku: Pelaku


S = StatusAduan
LANGKAH: Final = {
    step.name: step
    for step in [
        Langkah("verifikasi", frozenset({S.DITERIMA}), S.DIVERIFIKASI, Pelaku.MEJA_ADUAN),
        Langkah("tolak", frozenset({S.DITERIMA, S.DIVERIFIKASI}), S.DITOLAK, Pelaku.MEJA_ADUAN),
        Langkah("disposisi", frozenset({S.DIVERIFIKASI}), S.DIDISPOSISIKAN, Pelaku.MEJA_ADUAN),
        Langkah("tugaskan", frozenset({S.DIDISPOSISIKAN, S.DITUGASKAN}), S.DITUGASKAN, Pelaku.KOORDINATOR_OPD),
        Langkah("kembalikan", frozenset({S.DIDISPOSISIKAN}), S.DIVERIFIKASI, Pelaku.KOORDINATOR_OPD),
        Langkah("tangani", frozenset({S.DITUGASKAN, S.DITANGANI}), S.DITANGANI, Pelaku.PETUGAS_DITUGASKAN),
        Langkah("selesaikan", frozenset({S.DITANGANI}), S.SELESAI, Pelaku.PETUGAS_DITUGASKAN),
        Langkah("konfirmasi", frozenset({S.SELESAI}), S.DIKONFIRMASI, Pelaku.PELAPOR),
        Langkah("bukaKembali", frozenset({S.SELESAI}), S.DITUGASKAN, Pelaku.PELAPOR),
    ]
}

FINAL: Final = frozenset({S.DIKONFIRMASI, S.DITOLAK})
# States whose clock runs: a complaint waiting here past its deadline is escalated.
# (SELESAI waits for the citizen, whose silence is no one's fault.)
TIMED: Final = frozenset({S.DITERIMA, S.DIVERIFIKASI, S.DIDISPOSISIKAN, S.DITUGASKAN, S.DITANGANI})
OPEN: Final = frozenset(set(S) - FINAL - {S.SELESAI})


def next_steps(current: StatusAduan) -> list[str]:
    return sorted(step.name for step in LANGKAH.values() if current in step.dari)
