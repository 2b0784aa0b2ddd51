"""The complaint workflow: which step may follow which, and the response-time targets.

DITERIMA → DIVERIFIKASI → DIDISPOSISIKAN → DITANGANI → SELESAI, and DITOLAK (with a reason)
from any step before DITANGANI. SELESAI and DITOLAK are final.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum


class StatusAduan(Enum):
    DITERIMA = "DITERIMA"
    DIVERIFIKASI = "DIVERIFIKASI"
    DIDISPOSISIKAN = "DIDISPOSISIKAN"
    DITANGANI = "DITANGANI"
    SELESAI = "SELESAI"
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


NEXT: dict[StatusAduan, frozenset[StatusAduan]] = {
    StatusAduan.DITERIMA: frozenset({StatusAduan.DIVERIFIKASI, StatusAduan.DITOLAK}),
    StatusAduan.DIVERIFIKASI: frozenset({StatusAduan.DIDISPOSISIKAN, StatusAduan.DITOLAK}),
    StatusAduan.DIDISPOSISIKAN: frozenset({StatusAduan.DITANGANI, StatusAduan.DITOLAK}),
    StatusAduan.DITANGANI: frozenset({StatusAduan.SELESAI}),
    StatusAduan.SELESAI: frozenset(),
    StatusAduan.DITOLAK: frozenset(),
}

FINAL = frozenset({StatusAduan.SELESAI, StatusAduan.DITOLAK})

# Hours from reception to a final answer (SELESAI or DITOLAK) the city commits to, per category.
TARGET_JAM: dict[KategoriAduan, int] = {
    KategoriAduan.JALAN_RUSAK: 168,
    KategoriAduan.SAMPAH: 48,
    KategoriAduan.BANJIR: 24,
    KategoriAduan.DRAINASE: 120,
    KategoriAduan.PENERANGAN_JALAN: 72,
    KategoriAduan.ADMINISTRASI_KEPENDUDUKAN: 72,
    KategoriAduan.PELAYANAN_KESEHATAN: 24,
    KategoriAduan.BANTUAN_SOSIAL: 120,
    KategoriAduan.PERIZINAN: 120,
    KategoriAduan.LAINNYA: 168,
}


def allowed(current: StatusAduan, target: StatusAduan) -> bool:
    return target in NEXT[current]


def deadline(kategori: KategoriAduan, diterima: datetime) -> datetime:
    return diterima + timedelta(hours=TARGET_JAM[kategori])


def missed(kategori: KategoriAduan, diterima: datetime, selesai: datetime | None, now: datetime) -> bool:
    """Whether the target was missed: answered after the deadline, or still open past it."""
    return (selesai if selesai is not None else now) > deadline(kategori, diterima)
