"""Generate citizens, families and every OPD's rows about them, deterministically.

One `random.Random(seed)` drawn in a fixed order: the same `citizens` and `seed` give the same
rows on any machine and any database. Rows come in batches (a few thousand citizens each) so a
million citizens never sit in memory at once. Every instant is relative to REFERENCE (not the
clock), and stored naive in UTC.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from subgraphs.kit.scalars import parse_nik
from subgraphs.kit.wilayah import KECAMATAN, KELURAHAN, Kelurahan
from subgraphs.seed import aduan as seed_aduan
from subgraphs.seed import vocabulary as v

REFERENCE = datetime(2026, 6, 30, 0, 0, 0)  # the data describes Makassar as of mid-2026
Row = dict[str, Any]


@dataclass
class Batch:
    """Rows per target (an OPD or stand-in database) and table."""

    rows: dict[str, dict[str, list[Row]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    citizens: int = 0

    def add(self, target: str, table: str, row: Row) -> None:
        self.rows[target][table].append(row)


def _puskesmas_code(kecamatan: str, index: int) -> str:
    return f"P7371{kecamatan}{index + 1:02d}"


PUSKESMAS_BY_KECAMATAN: dict[str, list[str]] = defaultdict(list)
for _index, (_kec, _nama, _jalan) in enumerate(v.PUSKESMAS):
    PUSKESMAS_BY_KECAMATAN[f"73.71.{_kec}"].append(_puskesmas_code(_kec, len(PUSKESMAS_BY_KECAMATAN[f"73.71.{_kec}"])))
PUSKESMAS_NAMA = {
    code: nama
    for kec in PUSKESMAS_BY_KECAMATAN
    for code, (_, nama, _) in zip(
        PUSKESMAS_BY_KECAMATAN[kec], [p for p in v.PUSKESMAS if f"73.71.{p[0]}" == kec], strict=True
    )
}


def static_batch() -> Batch:
    """The region tree, the puskesmas and the OPDs' field officers: the same whatever the seed."""
    batch = Batch()
    for officer in seed_aduan.officers():
        batch.add("aduan", "petugas", officer)
    for kec in KECAMATAN:
        batch.add("kependudukan", "kecamatan", {"kode": kec.kode, "nama": kec.nama})
    for kel in KELURAHAN:
        batch.add("kependudukan", "kelurahan", {"kode": kel.kode, "kode_kecamatan": kel.kode_kecamatan,
                                                "nama": kel.nama, "kode_pos": kel.kode_pos})
    for kec_code, codes in PUSKESMAS_BY_KECAMATAN.items():
        streets = [p[2] for p in v.PUSKESMAS if f"73.71.{p[0]}" == kec_code]
        for code, street in zip(codes, streets, strict=True):
            batch.add("kesehatan", "puskesmas", {"kode": code, "nama": PUSKESMAS_NAMA[code],
                                                 "alamat": f"{street}, Makassar", "kode_kecamatan": kec_code})
    return batch


class Generator:
    def __init__(self, seed: int, now: datetime | None = None) -> None:
        self.random = random.Random(seed)
        # Complaints are dated relative to when the seed runs (naive UTC, as stored): a demo
        # seeded today shows today's queues, not ones that fell overdue long ago.
        self.now = now or datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)
        self.serials: dict[str, int] = defaultdict(int)  # per NIK/KK prefix: last serial issued
        self.nop_serials: dict[str, int] = defaultdict(int)
        self.counters: dict[str, int] = defaultdict(int)

    # -- identities ----------------------------------------------------------------------------

    def _serial(self, prefix: str) -> str:
        self.serials[prefix] += 1
        if self.serials[prefix] > 9999:
            raise OverflowError(f"more than 9999 registrations for {prefix}")
        return f"{self.serials[prefix]:04d}"

    def nik(self, kecamatan: str, born: date, female: bool) -> str:
        r = self.random
        if r.random() < 0.85:
            region = kecamatan.replace(".", "")
        else:
            region = f"73{r.choice(v.KABUPATEN_SULSEL)}{r.randint(1, 9):02d}"
        day = born.day + (40 if female else 0)
        prefix = f"{region}{day:02d}{born:%m%y}"
        return parse_nik(prefix + self._serial(prefix))

    def nomor_kk(self, kecamatan: str, issued: date) -> str:
        prefix = f"{kecamatan.replace('.', '')}{issued:%d%m%y}"
        return prefix + self._serial("KK" + prefix)

    def nama(self, female: bool) -> str:
        r = self.random
        first = r.choice(v.NAMA_PEREMPUAN if female else v.NAMA_LAKI)
        return f"{first} {r.choice(v.NAMA_BELAKANG)}"

    def birth(self, min_age: int, max_age: int) -> date:
        days = self.random.randint(min_age * 365, max_age * 365 + 364)
        return REFERENCE.date() - timedelta(days=days)

    def moment(self, start: datetime, end: datetime) -> datetime:
        seconds = int((end - start).total_seconds())
        return start + timedelta(seconds=self.random.randint(0, max(seconds, 0)))

    # -- one family ----------------------------------------------------------------------------

    def family(self, batch: Batch, room: int) -> int:
        """Add one family (at most `room` people) and what every OPD knows about it; returns its size."""
        r = self.random
        kelurahan: Kelurahan = r.choice(KELURAHAN)
        kecamatan = kelurahan.kode_kecamatan
        jalan = f"{r.choice(v.JALAN)} No. {r.randint(1, 250)}"
        rt, rw = f"{r.randint(1, 12):03d}", f"{r.randint(1, 8):03d}"
        head_born = self.birth(24, 75)
        head_female = r.random() < 0.12
        issued = (self.moment(datetime(2005, 1, 1), REFERENCE - timedelta(days=30))).date()
        kk = self.nomor_kk(kecamatan, issued)

        members: list[tuple[str, date, bool, str]] = [("KEPALA_KELUARGA", head_born, head_female, "")]
        married = not head_female and r.random() < 0.8
        if married:
            members.append(("ISTRI", self.birth(max(19, _age(head_born) - 12), _age(head_born)), True, ""))
        for _ in range(r.choice([0, 1, 1, 2, 2, 3, 4]) if _age(head_born) < 60 else r.choice([0, 1])):
            youngest = max(0, _age(head_born) - 45)
            members.append(("ANAK", self.birth(youngest, max(youngest, _age(head_born) - 20)), r.random() < 0.5, ""))
        if r.random() < 0.07:
            members.append(("ORANG_TUA", self.birth(_age(head_born) + 20, _age(head_born) + 30), r.random() < 0.7, ""))
        members = members[:room]

        people: list[Row] = []
        for hubungan, born, female, _ in members:
            nik = self.nik(kecamatan, born, female)
            age = _age(born)
            if age < 17:
                pekerjaan = "Pelajar/Mahasiswa" if age >= 6 else "Belum/Tidak Bekerja"
                status = "BELUM_KAWIN"
            else:
                pekerjaan = "Pensiunan" if age > 60 and r.random() < 0.4 else r.choice(v.PEKERJAAN_DEWASA)
                if hubungan in ("KEPALA_KELUARGA", "ISTRI"):
                    status = "KAWIN" if married or hubungan == "ISTRI" else r.choice(["CERAI_HIDUP", "CERAI_MATI"])
                elif hubungan == "ORANG_TUA":
                    status = r.choice(["KAWIN", "CERAI_MATI"])
                else:
                    status = "BELUM_KAWIN" if age < 25 or r.random() < 0.5 else "KAWIN"
            row = {
                "nik": nik, "nomor_kk": kk, "hubungan_keluarga": hubungan, "nama": self.nama(female),
                "tempat_lahir": "Makassar" if nik[:4] == "7371" else r.choice(v.TEMPAT_LAHIR_LAIN),
                "tanggal_lahir": born, "jenis_kelamin": "PEREMPUAN" if female else "LAKI_LAKI",
                "agama": _weighted(r, v.AGAMA), "status_perkawinan": status, "pekerjaan": pekerjaan,
                "jalan": jalan, "rt": rt, "rw": rw, "kode_kelurahan": kelurahan.kode,
            }
            people.append(row)
            batch.add("kependudukan", "penduduk", row)
        batch.add("kependudukan", "kartu_keluarga", {
            "nomor_kk": kk, "nik_kepala": people[0]["nik"], "jalan": jalan, "rt": rt, "rw": rw,
            "kode_kelurahan": kelurahan.kode, "tanggal_terbit": issued,
        })

        self.tax_objects(batch, people[0]["nik"], kelurahan, jalan)
        self.welfare(batch, kk, people)
        for person in people:
            self.health(batch, person, kecamatan)
            if _age(person["tanggal_lahir"]) >= 21:
                self.permits(batch, person["nik"], jalan)
                self.complaints(batch, person["nik"], kelurahan)
        return len(people)

    # -- what each OPD holds -------------------------------------------------------------------

    def tax_objects(self, batch: Batch, nik: str, kelurahan: Kelurahan, jalan: str) -> None:
        r = self.random
        owned = 1 if r.random() < 0.45 else 0
        if owned and r.random() < 0.15:
            owned = 2
        kec = int(kelurahan.kode_kecamatan[-2:])
        village = int(kelurahan.kode[-3:])
        for _ in range(owned):
            blok = f"{r.randint(1, 30):03d}"
            prefix = f"7371{kec * 10:03d}{village:03d}{blok}"
            self.nop_serials[prefix] += 1
            nop = f"{prefix}{self.nop_serials[prefix]:04d}0"
            tanah, bangunan = r.randint(60, 600), r.randint(0, 400)
            njop = tanah * r.choice([1_200_000, 2_500_000, 4_000_000]) + bangunan * 3_000_000
            batch.add("pendapatan", "objek_pajak", {
                "nop": nop, "nik_pemilik": nik, "letak": jalan, "kode_kelurahan": kelurahan.kode,
                "luas_tanah": tanah, "luas_bangunan": bangunan, "njop": njop,
            })
            # PBB-P2: 0.1 % (0.2 % above 1 billion) of NJOP after the 10 million NJOPTKP, whole rupiah.
            rate = 0.002 if njop > 1_000_000_000 else 0.001
            for tahun in range(2022, 2027):
                self.counters["tagihan"] += 1
                jumlah = int(max(njop - 10_000_000, 0) * rate) // 100 * 100
                jatuh_tempo = date(tahun, 8, 31)
                lunas = r.random() < (0.5 if tahun == 2026 else 0.9)
                bill_id = self.counters["tagihan"]
                batch.add("pendapatan", "tagihan_pbb", {
                    "id": bill_id, "nop": nop, "tahun": tahun, "jumlah": jumlah,
                    "jatuh_tempo": jatuh_tempo, "lunas": lunas,
                })
                if lunas:
                    paid = self.moment(datetime(tahun, 3, 1), datetime(min(tahun, 2026), 6, 29))
                    batch.add("pendapatan", "pembayaran_pbb", {
                        "tagihan_id": bill_id, "dibayar": paid, "jumlah": jumlah,
                        "kanal": r.choice(["BANK_SULSELBAR", "QRIS", "KANTOR_POS", "TOKOPEDIA"]),
                    })

    def health(self, batch: Batch, person: Row, kecamatan: str) -> None:
        r = self.random
        clinics = PUSKESMAS_BY_KECAMATAN[kecamatan]
        for _ in range(r.choice([0, 0, 1, 1, 2, 3])):
            poli, keluhan, diagnosa = r.choice(v.POLI_KELUHAN)
            batch.add("kesehatan", "kunjungan", {
                "nik": person["nik"], "kode_puskesmas": r.choice(clinics),
                "waktu": self.moment(datetime(2024, 1, 1), REFERENCE), "poli": poli, "keluhan": keluhan,
                "diagnosa": diagnosa,
            })
        if r.random() < 0.87:
            self.counters["jkn"] += 1
            segmen = _weighted(r, [("PBI", 40), ("PPU", 30), ("PBPU", 25), ("BP", 5)])
            batch.add("bpjs", "peserta_jkn", {
                "nik": person["nik"], "nomor_kartu": f"0001{self.counters['jkn']:09d}", "segmen": segmen,
                "kelas": "3" if segmen == "PBI" else r.choice("123"),
                "status": "AKTIF" if r.random() < 0.9 else "NONAKTIF",
                "faskes_pertama": PUSKESMAS_NAMA[r.choice(clinics)],
            })

    def welfare(self, batch: Batch, kk: str, people: list[Row]) -> None:
        r = self.random
        if r.random() >= 0.3:
            return
        desil = r.randint(1, 6)
        batch.add("sosial", "registrasi_dtks", {
            "nomor_kk": kk, "desil": desil,
            "terdaftar": self.moment(datetime(2018, 1, 1), datetime(2025, 12, 31)).date(),
            "status": _weighted(r, [("AKTIF", 85), ("DIVERIFIKASI_ULANG", 10), ("NONAKTIF", 5)]),
        })
        if desil > 4:
            return
        has_wife = len(people) > 1 and people[1]["hubungan_keluarga"] == "ISTRI"
        penerima = people[1]["nik"] if has_wife else people[0]["nik"]
        programs = [("SEMBAKO", 200_000, range(1, 7))]
        if desil <= 2:
            programs.append(("PKH", 750_000, range(3, 7, 3)))
        for program, jumlah, months in programs:
            for month in months:
                planned = month == 6
                status = "DIJADWALKAN" if planned else ("GAGAL" if r.random() < 0.03 else "DISALURKAN")
                batch.add("sosial", "penyaluran_bantuan", {
                    "nomor_kk": kk, "nik_penerima": penerima, "program": program, "periode": f"2026-{month:02d}",
                    "jumlah": jumlah, "status": status,
                    "disalurkan": self.moment(datetime(2026, month, 5), datetime(2026, month, 25))
                    if status == "DISALURKAN" else None,
                })

    def permits(self, batch: Batch, nik: str, jalan: str) -> None:
        r = self.random
        if r.random() < 0.08:
            self.counters["nib"] += 1
            nib = f"9120{self.counters['nib']:09d}"
            jenis_usaha, kbli = r.choice(v.USAHA)
            batch.add("perizinan", "usaha", {"nib": nib, "nik_pemilik": nik, "kbli": kbli, "alamat": jalan,
                                             "nama": f"{jenis_usaha} {r.choice(v.NAMA_BELAKANG)}"})
            for jenis in r.sample(v.JENIS_IZIN, r.choice([1, 1, 2])):
                self.counters["izin"] += 1
                terbit = self.moment(datetime(2019, 1, 1), REFERENCE).date()
                until = terbit + timedelta(days=5 * 365) if jenis != "Sertifikat Standar" else None
                status = "DICABUT" if r.random() < 0.03 else (
                    "KEDALUWARSA" if until is not None and until < REFERENCE.date() else "BERLAKU")
                batch.add("perizinan", "izin", {
                    "nomor": f"IZN/{terbit.year}/{self.counters['izin']:07d}", "nib": nib, "nik_pemohon": nik,
                    "jenis": jenis, "status": status, "terbit": terbit, "berlaku_sampai": until,
                })
        if r.random() < 0.04:
            self.counters["permohonan"] += 1
            diajukan = self.moment(datetime(2025, 1, 1), REFERENCE)
            batch.add("perizinan", "permohonan", {
                "nomor": f"PMH/{diajukan.year}/{self.counters['permohonan']:07d}", "nik_pemohon": nik,
                "nib": None, "jenis": r.choice(v.JENIS_IZIN), "diajukan": diajukan,
                "status": _weighted(r, [("DIAJUKAN", 20), ("DIPROSES", 30), ("DISETUJUI", 40), ("DITOLAK", 10)]),
            })

    def complaints(self, batch: Batch, nik: str, kelurahan: Kelurahan) -> None:
        r = self.random
        if r.random() >= 0.08:
            return
        self.counters["aduan"] += 1
        diterima = self.moment(self.now - timedelta(days=180), self.now - timedelta(days=2))
        row, history = seed_aduan.complaint(
            r, self.counters["aduan"], nik, (kelurahan.kode, kelurahan.nama), diterima, self.now, r.choice(v.JALAN),
            v.LOKASI_ADUAN[r.choice(list(v.LOKASI_ADUAN))])
        batch.add("aduan", "aduan", row)
        for step in history:
            batch.add("aduan", "riwayat_aduan", step)


def _age(born: date) -> int:
    today = REFERENCE.date()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _weighted(r: random.Random, choices: list[tuple[str, int]]) -> str:
    total = sum(weight for _, weight in choices)
    pick = r.randrange(total)
    for value, weight in choices:
        if pick < weight:
            return value
        pick -= weight
    raise AssertionError("unreachable")


def generate(
    citizens: int, seed: int, *, batch_size: int = 20_000, now: datetime | None = None
) -> Iterator[Batch]:
    """The static rows, then batches of about `batch_size` citizens until `citizens` exist
    (complaints dated relative to `now`, by default the time it runs)."""
    yield static_batch()
    generator = Generator(seed, now)
    made = 0
    while made < citizens:
        batch = Batch()
        while made < citizens and batch.citizens < batch_size:
            size = generator.family(batch, citizens - made)
            made += size
            batch.citizens += size
        yield batch
