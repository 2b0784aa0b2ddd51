"""The region tree of Kota Makassar (region 73.71): its 15 kecamatan and their kelurahan.

Kecamatan codes are Kemendagri's. Within each kecamatan the kelurahan are numbered 1001,
1002, … in alphabetical order, in Kemendagri's format; where the official register numbers a
kelurahan differently, replace the code here (it is the only place that holds them).
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINSI_SULAWESI_SELATAN = "73"
KOTA_MAKASSAR = "73.71"


@dataclass(frozen=True)
class Kelurahan:
    kode: str
    nama: str
    kode_pos: str
    kode_kecamatan: str


@dataclass(frozen=True)
class Kecamatan:
    kode: str
    nama: str
    kelurahan: tuple[Kelurahan, ...]


# (kecamatan code, name, [(kelurahan, postal code), …])
_TREE: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("01", "Mariso", [("Bontorannu", "90126"), ("Kampung Buyang", "90121"), ("Kunjung Mae", "90125"),
                      ("Lette", "90123"), ("Mario", "90125"), ("Mariso", "90122"), ("Mattoangin", "90121"),
                      ("Panambungan", "90121"), ("Tamarunang", "90126")]),
    ("02", "Mamajang", [("Baji Mappakasunggu", "90131"), ("Bonto Biraeng", "90132"),
                        ("Bonto Lebang", "90133"), ("Karang Anyar", "90134"), ("Labuang Baji", "90132"),
                        ("Mamajang Dalam", "90135"), ("Mamajang Luar", "90132"), ("Mandala", "90135"),
                        ("Maricaya Selatan", "90131"), ("Pa'Batang", "90131"), ("Parang", "90133"),
                        ("Sambung Jawa", "90134"), ("Tamparang Keke", "90134")]),
    ("03", "Makassar", [("Bara-Baraya", "90143"), ("Bara-Baraya Selatan", "90143"),
                        ("Bara-Baraya Timur", "90143"), ("Bara-Baraya Utara", "90143"), ("Barana", "90145"),
                        ("Lariang Bangi", "90141"), ("Maccini", "90144"), ("Maccini Gusung", "90144"),
                        ("Maccini Parang", "90144"), ("Maradekaya", "90141"),
                        ("Maradekaya Selatan", "90141"), ("Maradekaya Utara", "90141"),
                        ("Maricaya", "90142"), ("Maricaya Baru", "90142")]),
    ("04", "Ujung Pandang", [("Baru", "90111"), ("Bulogading", "90111"), ("Lae-Lae", "90111"),
                             ("Lajangiru", "90114"), ("Losari", "90112"), ("Maloku", "90112"),
                             ("Mangkura", "90113"), ("Pisang Selatan", "90114"), ("Pisang Utara", "90115"),
                             ("Sawerigading", "90113")]),
    ("05", "Wajo", [("Butung", "90173"), ("Ende", "90174"), ("Malimongan", "90172"),
                    ("Malimongan Tua", "90172"), ("Mampu", "90173"), ("Melayu", "90171"),
                    ("Melayu Baru", "90171"), ("Pattunuang", "90174")]),
    ("06", "Bontoala", [("Baraya", "90153"), ("Bontoala", "90156"), ("Bontoala Parang", "90157"),
                        ("Bontoala Tua", "90156"), ("Bunga Ejaya", "90154"), ("Gaddong", "90157"),
                        ("Layang", "90154"), ("Malimongan Baru", "90152"), ("Parang Layang", "90155"),
                        ("Timungan Lompoa", "90151"), ("Tompo Balang", "90151"), ("Wajo Baru", "90151")]),
    ("07", "Tallo", [("Buloa", "90212"), ("Bunga Eja Beru", "90211"), ("Kaluku Bodoa", "90215"),
                     ("Kalukuang", "90214"), ("La'latang", "90211"), ("Lakkang", "90211"),
                     ("Lembo", "90213"), ("Pannampu", "90213"), ("Rappojawa", "90215"),
                     ("Rappokalling", "90216"), ("Suwangga", "90211"), ("Tallo", "90212"),
                     ("Tammua", "90216"), ("Ujung Pandang Baru", "90217"), ("Wala-Walaya", "90217")]),
    ("08", "Ujung Tanah", [("Camba Berua", "90162"), ("Cambaya", "90162"), ("Gusung", "90163"),
                           ("Pattingalloang", "90161"), ("Pattingalloang Baru", "90161"),
                           ("Tabaringan", "90165"), ("Tamalabba", "90164"), ("Totaka", "90165"),
                           ("Ujung Tanah", "90164")]),
    ("09", "Panakkukang", [("Karampuang", "90231"), ("Karuwisi", "90232"), ("Karuwisi Utara", "90232"),
                           ("Masale", "90231"), ("Pampang", "90231"), ("Panaikang", "90231"),
                           ("Pandang", "90231"), ("Paropo", "90233"), ("Sinrijala", "90231"),
                           ("Tamamaung", "90231"), ("Tello Baru", "90233")]),
    ("10", "Tamalate", [("Balang Baru", "90224"), ("Barombong", "90225"), ("Bongaya", "90223"),
                        ("Jongaya", "90223"), ("Maccini Sombala", "90224"), ("Mangasa", "90221"),
                        ("Mannuruki", "90221"), ("Pa'baeng-Baeng", "90221"), ("Parang Tambung", "90224"),
                        ("Tanjung Merdeka", "90225")]),
    ("11", "Biringkanaya", [("Bakung", "90243"), ("Berua", "90241"), ("Bulurokeng", "90243"),
                            ("Daya", "90241"), ("Katimbang", "90242"), ("Laikang", "90241"),
                            ("Paccerakkang", "90241"), ("Pai", "90243"), ("Sudiang", "90242"),
                            ("Sudiang Raya", "90242"), ("Untia", "90241")]),
    ("12", "Manggala", [("Antang", "90234"), ("Bangkala", "90235"), ("Batua", "90233"),
                        ("Biring Romang", "90235"), ("Bitoa", "90234"), ("Borong", "90233"),
                        ("Manggala", "90234"), ("Tamangapa", "90235")]),
    ("13", "Rappocini", [("Ballaparang", "90222"), ("Banta-Bantaeng", "90222"), ("Bonto Makkio", "90222"),
                         ("Buakana", "90222"), ("Gunung Sari", "90221"), ("Karunrung", "90222"),
                         ("Kassi-Kassi", "90222"), ("Mappala", "90222"), ("Minasa Upa", "90221"),
                         ("Rappocini", "90222"), ("Tidung", "90222")]),
    ("14", "Tamalanrea", [("Bira", "90244"), ("Buntusu", "90245"), ("Kapasa", "90241"),
                          ("Kapasa Raya", "90241"), ("Parang Loe", "90245"), ("Tamalanrea", "90245"),
                          ("Tamalanrea Indah", "90245"), ("Tamalanrea Jaya", "90245")]),
    ("15", "Kepulauan Sangkarrang", [("Barrang Caddi", "90167"), ("Barrang Lompo", "90166"),
                                     ("Kodingareng", "90168")]),
]


def _build() -> tuple[Kecamatan, ...]:
    tree = []
    for code, name, villages in _TREE:
        kode = f"{KOTA_MAKASSAR}.{code}"
        kelurahan = tuple(
            Kelurahan(kode=f"{kode}.{1001 + index}", nama=village, kode_pos=postal, kode_kecamatan=kode)
            for index, (village, postal) in enumerate(villages)
        )
        tree.append(Kecamatan(kode=kode, nama=name, kelurahan=kelurahan))
    return tuple(tree)


KECAMATAN: tuple[Kecamatan, ...] = _build()
KELURAHAN: tuple[Kelurahan, ...] = tuple(k for kec in KECAMATAN for k in kec.kelurahan)
