"""Seed complaints with believable timings: each state lasts a share of its deadline drawn so
that most complaints are on time, some are late, and the late ones were escalated as the
escalation job would have (to the OPD head at the deadline, to the city 48 hours later)."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any

from subgraphs.aduan.eskalasi import KE_KOTA_SETELAH
from subgraphs.aduan.tenggat import DEFAULTS, LIBUR_2026, Aturan, Satuan, deadline, to_wita
from subgraphs.aduan.workflow import LANGKAH, OPD_KATEGORI, TIMED, KategoriAduan, OpdTujuan, StatusAduan

Row = dict[str, Any]
HOLIDAYS = frozenset(d for d, _ in LIBUR_2026)
S = StatusAduan
# The main path and the steps into each state.
PATH = [("ajukan", S.DITERIMA), ("verifikasi", S.DIVERIFIKASI), ("disposisi", S.DIDISPOSISIKAN),
        ("tugaskan", S.DITUGASKAN), ("tangani", S.DITANGANI), ("selesaikan", S.SELESAI),
        ("konfirmasi", S.DIKONFIRMASI)]
ROLE = {step.name: step.pelaku.value for step in LANGKAH.values()}
DESK = ["Nurul Hidayah", "Syamsul Bahri"]
OPEN_LATE = 0.15  # of the open complaints, the share past their current deadline


def officers() -> list[Row]:
    """Three field officers per OPD, the directory coordinators assign from."""
    names = ["Andi Rahmat", "Irfan Hakim", "Hasnah Saleh", "Wahyuni Nur", "Muh. Fadli", "Sitti Aisyah",
             "Rudi Hartono", "Nur Aeni", "Baso Tang"]
    return [{"sub": f"petugas-{opd.value.lower()}-{i + 1}", "nama": names[(n * 3 + i) % len(names)],
             "opd": opd.value, "aktif": True} for n, opd in enumerate(OpdTujuan) for i in range(3)]


def _rule(status: StatusAduan, kategori: KategoriAduan) -> Aturan | None:
    found = None
    for rule in DEFAULTS:
        if rule.status is status and rule.kategori is kategori:
            return rule
        if rule.status is status and rule.kategori is None:
            found = rule
    return found


def complaint(r: random.Random, serial: int, nik: str, kelurahan: tuple[str, str], diterima: datetime,
              reference: datetime, street: str, description: str) -> tuple[Row, list[Row]]:
    """One complaint and its history as of `reference` (naive UTC, the time the seed runs).

    A closed complaint keeps the `diterima` it is given; an open one is recent, as in a city that
    works its queues: filed within about its path's deadlines, so that most open complaints are
    inside their current deadline and about one in seven is past it (and escalated)."""
    kategori = r.choice(list(KategoriAduan))
    opd = OPD_KATEGORI[kategori]
    final = r.choices(["DITERIMA", "DIVERIFIKASI", "DIDISPOSISIKAN", "DITUGASKAN", "DITANGANI", "SELESAI",
                       "DIKONFIRMASI", "DITOLAK"], weights=[4, 3, 4, 6, 10, 13, 50, 10])[0]
    rejected = final == "DITOLAK"
    path = [*PATH[:2], ("tolak", S.DITOLAK)] if rejected else PATH[: [s.value for _, s in PATH].index(final) + 1]
    officer = f"petugas-{opd.value.lower()}-{r.randint(1, 3)}"
    if StatusAduan(final) in TIMED:
        late = r.random() < OPEN_LATE
        window = sum(_nominal_hours(_rule(status, kategori)) for _, status in path) * (2.5 if late else 0.8)
        for _ in range(40):  # until the draw is as late as wanted (a few tries: the window fits)
            diterima = reference - timedelta(hours=max(0.2, r.uniform(0.02, 1.0) * window))
            history, current = _history(r, path, kategori, diterima, reference)
            if current["batas"] is not None and (reference > current["batas"]) == late:
                break
    else:
        history, current = _history(r, path, kategori, diterima, reference)
    nomor = f"ADU-{to_wita(diterima):%Y%m%d}-{serial:010d}"  # the WITA date, as the subgraph numbers them
    for entry in history:
        entry["nomor_aduan"] = nomor
    escalation = 0
    batas_now = current["batas"]
    if batas_now is not None and StatusAduan(final) not in (S.SELESAI, S.DIKONFIRMASI, S.DITOLAK):
        escalation = 1 if reference > batas_now else 0
        if escalation:
            history.append(_escalation(nomor, StatusAduan(final), batas_now, 1))
    history.sort(key=lambda e: e["waktu"])
    reached = {s for _, s in path}
    assigned = S.DITUGASKAN in reached
    done = next((e["waktu"] for e in history if e["status"] in ("SELESAI", "DITOLAK") and e["awal"]), None)
    row = {
        "nomor": nomor, "nik_pelapor": nik, "kategori": kategori.value,
        "telepon_pelapor": f"+628{r.randint(11, 59)}{r.randint(0, 99_999_999):08d}" if r.random() < 0.7 else None,
        "lokasi": f"{street}, Kel. {kelurahan[1]}", "kode_kelurahan": kelurahan[0], "deskripsi": description,
        "foto_url": f"https://lontara.makassarkota.go.id/foto/{nomor}.jpg" if r.random() < 0.6 else None,
        "status": final, "opd_tujuan": opd.value if S.DIDISPOSISIKAN in reached else None,
        "alasan_penolakan": history[-1]["catatan"] if rejected else None, "diterima": diterima, "selesai": done,
        "lintang": round(r.uniform(-5.20, -5.09), 5), "bujur": round(r.uniform(119.40, 119.49), 5),
        "rahasia": r.random() < 0.03,
        "petugas_sub": officer if assigned else None,
        "petugas_nama": None, "langkah_mulai": current["waktu"], "batas_langkah": batas_now,
        "eskalasi": escalation, "penilaian": r.choices([5, 4, 3, 2, 1], [50, 30, 10, 6, 4])[0]
        if final == "DIKONFIRMASI" else None, "ulasan": None, "versi": len(history),
    }
    if assigned:
        row["petugas_nama"] = next(o["nama"] for o in officers() if o["sub"] == officer)
    return row, history


def _nominal_hours(rule: Aturan | None) -> float:
    """About how many clock hours a rule allows (working time counted at 8 of 24 hours, 5 of 7 days)."""
    if rule is None:
        return 72.0
    per = {Satuan.JAM: 1.0, Satuan.HARI: 24.0, Satuan.JAM_KERJA: 24 * 7 / 5 / 8, Satuan.HARI_KERJA: 24 * 7 / 5}
    return rule.jumlah * per[rule.satuan]


def _history(r: random.Random, path: list[tuple[str, StatusAduan]], kategori: KategoriAduan, diterima: datetime,
             reference: datetime) -> tuple[list[Row], Row]:
    """The states of `path` from `diterima` on, each lasting a share of its deadline (mostly well
    inside it, some late, those escalated as the job would have); and the current state."""
    history: list[Row] = []
    when = diterima
    for index, (step, status) in enumerate(path):
        rule = _rule(status, kategori)
        batas = deadline(when, rule.jumlah, rule.satuan, HOLIDAYS) if rule else None
        history.append({
            "nomor_aduan": "", "status": status.value, "waktu": when,
            "petugas": "Lontara Plus" if step == "ajukan" else ("Warga" if ROLE[step] == "warga"
                                                                 else r.choice(DESK)),
            "catatan": "Aduan ditolak: di luar kewenangan Pemerintah Kota" if status is S.DITOLAK else None,
            "langkah": step, "pelaku_sub": None, "peran": ROLE.get(step, "warga"), "batas": batas,
            "berakhir": None, "data": None, "awal": True, "terbit": True,
        })
        if index + 1 == len(path):
            break
        # How long this state lasted: mostly well inside its deadline, some late.
        share = r.choices([r.uniform(0.05, 0.8), r.uniform(1.05, 2.5)], weights=[95, 5])[0]
        span = (batas - when) if batas is not None else timedelta(days=r.uniform(1, 5))
        # Each later state needs some time before the seed runs: squeeze, never past `reference`.
        room = (reference - when) / (len(path) - index)
        ended = min(when + span * share, when + room)
        ended = max(ended, when + timedelta(minutes=1))
        if batas is not None and ended > batas:
            history.append(_escalation("", status, batas, 1))
            if ended > batas + KE_KOTA_SETELAH:
                history.append(_escalation("", status, batas + KE_KOTA_SETELAH, 2))
        for entry in history:
            if entry["awal"] and entry["berakhir"] is None:
                entry["berakhir"] = ended
        when = ended
    current = next(e for e in reversed(history) if e["awal"])
    return history, current


def _escalation(nomor: str, status: StatusAduan, when: datetime, level: int) -> Row:
    target = "kepala_opd" if level == 1 else "admin_kota"
    return {"nomor_aduan": nomor, "status": status.value, "waktu": when, "petugas": "Lontara Plus",
            "catatan": f"Melewati tenggat {status.value}: dieskalasi ke {target}", "langkah": "eskalasi",
            "pelaku_sub": None, "peran": target, "batas": None, "berakhir": None,
            "data": json.dumps({"level": level}), "awal": False, "terbit": True}
