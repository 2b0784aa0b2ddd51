"""A small hand-written Makassar the OPD tests (and the gateway test) know by heart.

The Rahman family of Losari (Ujung Pandang): Andi Baso Rahman (head), his wife Siti Nurhaliza
and their son Muhammad Fajar; and Hasnah Saleh of Rappocini, who lives alone. Every OPD holds
something about the head, so one citizen query crosses all six.
"""

from __future__ import annotations

from datetime import date, datetime

from subgraphs.seed.generate import Batch, static_batch

HEAD = "7371041203800001"
WIFE = "7371045506830002"
SON = "7371040101100003"
HASNAH = "7371134402750001"
KK_RAHMAN = "7371042001100001"
KK_HASNAH = "7371130503150001"
NOP_RAHMAN = "737104005001000010"
NIB_COTO = "9120000000011"
LOSARI = "73.71.04.1008"
RAPPOCINI = "73.71.13.1006"
ADUAN_SELESAI = "ADU-20260302-00000001"
ADUAN_BARU = "ADU-20260620-00000002"


def _person(nik: str, kk: str, hubungan: str, nama: str, born: date, sex: str, status: str, job: str,
            kelurahan: str, jalan: str) -> dict[str, object]:
    return {
        "nik": nik, "nomor_kk": kk, "hubungan_keluarga": hubungan, "nama": nama, "tempat_lahir": "Makassar",
        "tanggal_lahir": born, "jenis_kelamin": sex, "agama": "ISLAM", "status_perkawinan": status,
        "pekerjaan": job, "jalan": jalan, "rt": "003", "rw": "002", "kode_kelurahan": kelurahan,
    }


def world() -> Batch:
    batch = static_batch()
    add = batch.add
    rahman_street = "Jl. Penghibur No. 12"
    add("kependudukan", "penduduk", _person(HEAD, KK_RAHMAN, "KEPALA_KELUARGA", "Andi Baso Rahman",
                                            date(1980, 3, 12), "LAKI_LAKI", "KAWIN", "Wiraswasta", LOSARI,
                                            rahman_street))
    add("kependudukan", "penduduk", _person(WIFE, KK_RAHMAN, "ISTRI", "Siti Nurhaliza", date(1983, 6, 15),
                                            "PEREMPUAN", "KAWIN", "Guru", LOSARI, rahman_street))
    add("kependudukan", "penduduk", _person(SON, KK_RAHMAN, "ANAK", "Muhammad Fajar", date(2010, 1, 1),
                                            "LAKI_LAKI", "BELUM_KAWIN", "Pelajar/Mahasiswa", LOSARI, rahman_street))
    add("kependudukan", "penduduk", _person(HASNAH, KK_HASNAH, "KEPALA_KELUARGA", "Hasnah Saleh",
                                            date(1975, 2, 4), "PEREMPUAN", "CERAI_MATI", "Pedagang", RAPPOCINI,
                                            "Jl. Rappocini Raya No. 80"))
    add("kependudukan", "kartu_keluarga", {"nomor_kk": KK_RAHMAN, "nik_kepala": HEAD, "jalan": rahman_street,
                                           "rt": "003", "rw": "002", "kode_kelurahan": LOSARI,
                                           "tanggal_terbit": date(2010, 1, 20)})
    add("kependudukan", "kartu_keluarga", {"nomor_kk": KK_HASNAH, "nik_kepala": HASNAH,
                                           "jalan": "Jl. Rappocini Raya No. 80", "rt": "003", "rw": "002",
                                           "kode_kelurahan": RAPPOCINI, "tanggal_terbit": date(2015, 3, 5)})

    add("pendapatan", "objek_pajak", {"nop": NOP_RAHMAN, "nik_pemilik": HEAD, "letak": rahman_street,
                                      "kode_kelurahan": LOSARI, "luas_tanah": 200, "luas_bangunan": 150,
                                      "njop": 1_250_000_000})
    add("pendapatan", "tagihan_pbb", {"id": 1, "nop": NOP_RAHMAN, "tahun": 2025, "jumlah": 2_480_000,
                                      "jatuh_tempo": date(2025, 8, 31), "lunas": True})
    add("pendapatan", "tagihan_pbb", {"id": 2, "nop": NOP_RAHMAN, "tahun": 2026, "jumlah": 2_480_000,
                                      "jatuh_tempo": date(2026, 8, 31), "lunas": False})
    add("pendapatan", "pembayaran_pbb", {"tagihan_id": 1, "dibayar": datetime(2025, 7, 1, 2, 0, 0),
                                         "jumlah": 2_480_000, "kanal": "QRIS"})

    add("kesehatan", "kunjungan", {"nik": HEAD, "kode_puskesmas": "P73710401", "waktu": datetime(2026, 5, 2, 1, 15),
                                   "poli": "UMUM", "keluhan": "Tekanan darah tinggi", "diagnosa": "I10"})
    add("kesehatan", "kunjungan", {"nik": HEAD, "kode_puskesmas": "P73710401", "waktu": datetime(2025, 11, 3, 2, 0),
                                   "poli": "GIGI", "keluhan": "Sakit gigi", "diagnosa": "K02.9"})
    add("bpjs", "peserta_jkn", {"nik": HEAD, "nomor_kartu": "0001234567890", "segmen": "PBPU", "kelas": "2",
                                "status": "AKTIF", "faskes_pertama": "Puskesmas Makkasau"})
    add("bpjs", "peserta_jkn", {"nik": WIFE, "nomor_kartu": "0001234567891", "segmen": "PPU", "kelas": "1",
                                "status": "AKTIF", "faskes_pertama": "Puskesmas Makkasau"})

    add("sosial", "registrasi_dtks", {"nomor_kk": KK_RAHMAN, "desil": 2, "terdaftar": date(2021, 4, 1),
                                      "status": "AKTIF"})
    add("sosial", "penyaluran_bantuan", {"nomor_kk": KK_RAHMAN, "nik_penerima": HEAD, "program": "SEMBAKO",
                                         "periode": "2026-05", "jumlah": 200_000, "status": "DISALURKAN",
                                         "disalurkan": datetime(2026, 5, 10, 3, 0)})
    add("sosial", "penyaluran_bantuan", {"nomor_kk": KK_RAHMAN, "nik_penerima": HEAD, "program": "SEMBAKO",
                                         "periode": "2026-06", "jumlah": 200_000, "status": "DIJADWALKAN",
                                         "disalurkan": None})
    add("sosial", "penyaluran_bantuan", {"nomor_kk": KK_RAHMAN, "nik_penerima": WIFE, "program": "PKH",
                                         "periode": "2026-03", "jumlah": 750_000, "status": "DISALURKAN",
                                         "disalurkan": datetime(2026, 3, 12, 4, 0)})

    add("perizinan", "usaha", {"nib": NIB_COTO, "nik_pemilik": HEAD, "nama": "Coto Makassar Daeng Baso",
                               "kbli": "56101", "alamat": rahman_street})
    add("perizinan", "izin", {"nomor": "IZN/2024/0000001", "nib": NIB_COTO, "nik_pemohon": HEAD,
                              "jenis": "Sertifikat Standar", "status": "BERLAKU", "terbit": date(2024, 2, 1),
                              "berlaku_sampai": None})
    add("perizinan", "permohonan", {"nomor": "PMH/2026/0000001", "nik_pemohon": HEAD, "nib": NIB_COTO,
                                    "jenis": "Izin Reklame", "status": "DIPROSES",
                                    "diajukan": datetime(2026, 6, 1, 1, 0)})

    add("aduan", "aduan", {"nomor": ADUAN_SELESAI, "nik_pelapor": HEAD, "telepon_pelapor": "+6281234567890",
                           "kategori": "SAMPAH",
                           "lokasi": "Jl. Penghibur, Kel. Losari", "kode_kelurahan": LOSARI,
                           "deskripsi": "Sampah menumpuk belum diangkut", "foto_url": None, "status": "SELESAI",
                           "opd_tujuan": "DLH", "alasan_penolakan": None, "diterima": datetime(2026, 3, 2, 1, 0),
                           "selesai": datetime(2026, 3, 5, 1, 0)})
    for step, (status, when, officer) in enumerate([
        ("DITERIMA", datetime(2026, 3, 2, 1, 0), "Lontara Plus"),
        ("DIVERIFIKASI", datetime(2026, 3, 2, 3, 0), "Nurul Hidayah"),
        ("DIDISPOSISIKAN", datetime(2026, 3, 2, 5, 0), "Nurul Hidayah"),
        ("DITANGANI", datetime(2026, 3, 3, 1, 0), "Irfan Hakim"),
        ("SELESAI", datetime(2026, 3, 5, 1, 0), "Irfan Hakim"),
    ]):
        add("aduan", "riwayat_aduan", {"nomor_aduan": ADUAN_SELESAI, "status": status, "waktu": when,
                                       "petugas": officer, "catatan": None if step < 4 else "Sudah diangkut"})
    add("aduan", "aduan", {"nomor": ADUAN_BARU, "nik_pelapor": WIFE, "telepon_pelapor": None,
                           "kategori": "PENERANGAN_JALAN",
                           "lokasi": "Jl. Penghibur", "kode_kelurahan": LOSARI, "deskripsi": "Lampu jalan padam",
                           "foto_url": "https://lontara.makassarkota.go.id/foto/2.jpg", "status": "DITERIMA",
                           "opd_tujuan": None, "alasan_penolakan": None, "diterima": datetime(2026, 6, 20, 1, 0),
                           "selesai": None})
    add("aduan", "riwayat_aduan", {"nomor_aduan": ADUAN_BARU, "status": "DITERIMA",
                                   "waktu": datetime(2026, 6, 20, 1, 0), "petugas": "Lontara Plus", "catatan": None})
    return batch


def hundred_citizens() -> tuple[Batch, list[str]]:
    """100 citizens of Losari, each owning one tax object with two yearly bills."""
    batch = static_batch()
    niks = []
    for n in range(1, 101):
        nik = f"737104120380{n:04d}"
        niks.append(nik)
        batch.add("kependudukan", "penduduk", {
            "nik": nik, "nomor_kk": "7371042001100001", "hubungan_keluarga": "FAMILI_LAIN", "nama": f"Warga {n}",
            "tempat_lahir": "Makassar", "tanggal_lahir": date(1980, 3, 12), "jenis_kelamin": "LAKI_LAKI",
            "agama": "ISLAM", "status_perkawinan": "KAWIN", "pekerjaan": "Wiraswasta", "jalan": "Jl. Penghibur",
            "rt": "001", "rw": "001", "kode_kelurahan": LOSARI,
        })
        nop = f"7371040050010{n:04d}0"
        batch.add("pendapatan", "objek_pajak", {
            "nop": nop, "nik_pemilik": nik, "letak": "Jl. Penghibur",
            "kode_kelurahan": LOSARI, "luas_tanah": 100, "luas_bangunan": 50, "njop": 500_000_000,
        })
        for year in (2025, 2026):
            batch.add("pendapatan", "tagihan_pbb", {
                "id": n * 10 + year - 2024, "nop": nop, "tahun": year, "jumlah": 490_000,
                "jatuh_tempo": date(year, 8, 31), "lunas": year == 2025,
            })
    batch.add("kependudukan", "kartu_keluarga", {
        "nomor_kk": "7371042001100001", "nik_kepala": niks[0], "jalan": "Jl. Penghibur", "rt": "001", "rw": "001",
        "kode_kelurahan": LOSARI, "tanggal_terbit": date(2010, 1, 20),
    })
    return batch, niks
