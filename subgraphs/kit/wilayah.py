"""The official register of Kota Makassar's regions (73.71): 15 kecamatan, 153 kelurahan.

Codes and names are Kemendagri's, from Kepmendagri No. 300.2.2-2430 Tahun 2025 (Pemberian dan
Pemutakhiran Kode, Data Wilayah Administrasi Pemerintahan, dan Pulau), as published in the
`db/wilayah.sql` of github.com/cahyadsn/wilayah. Kelurahan numbers within a kecamatan are the
register's, gaps included (Ujung Tanah's 1001, 1007 and 1008 went to Kepulauan Sangkarrang).
Postal codes are Pos Indonesia's; where the register has a kelurahan whose postal code we do
not hold (Bonto Duri, Tamalate) it is None rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINSI_SULAWESI_SELATAN = "73"
KOTA_MAKASSAR = "73.71"
SOURCE = "Kepmendagri No. 300.2.2-2430 Tahun 2025"


@dataclass(frozen=True)
class Kelurahan:
    kode: str
    nama: str
    kode_pos: str | None
    kode_kecamatan: str


@dataclass(frozen=True)
class Kecamatan:
    kode: str
    nama: str
    kelurahan: tuple[Kelurahan, ...]


# (kecamatan code, name, [(kelurahan number, name, postal code), …]) as in the register.
_REGISTER: list[tuple[str, str, list[tuple[str, str, str | None]]]] = [
    ('01', 'Mariso', [
        ('1001', 'Bontorannu', '90126'),
        ('1002', 'Mattoangin', '90121'),
        ('1003', 'Kunjung Mae', '90125'),
        ('1004', 'Lette', '90123'),
        ('1005', 'Panambungan', '90121'),
        ('1006', 'Mariso', '90122'),
        ('1007', 'Mario', '90125'),
        ('1008', 'Kampung Buyang', '90121'),
        ('1009', 'Tamarunang', '90126'),
    ]),
    ('02', 'Mamajang', [
        ('1001', 'Sambung Jawa', '90134'),
        ('1002', 'Parang', '90133'),
        ('1003', 'Mamajang Luar', '90132'),
        ('1004', 'Mamajang Dalam', '90135'),
        ('1005', 'Maricaya Selatan', '90131'),
        ('1006', 'Bonto Lebang', '90133'),
        ('1007', "Pa'batang", '90131'),
        ('1008', 'Bonto Biraeng', '90132'),
        ('1009', 'Labuang Baji', '90132'),
        ('1010', 'Mandala', '90135'),
        ('1011', 'Tamparang Keke', '90134'),
        ('1012', 'Baji Mappakasunggu', '90131'),
        ('1013', 'Karang Anyar', '90134'),
    ]),
    ('03', 'Makassar', [
        ('1001', 'Maricaya', '90142'),
        ('1002', 'Bara Baraya', '90143'),
        ('1003', 'Maradekaya', '90141'),
        ('1004', 'Lariangbangi', '90141'),
        ('1005', 'Maccini', '90144'),
        ('1006', 'Maricaya Baru', '90142'),
        ('1007', 'Bara Baraya Timur', '90143'),
        ('1008', 'Bara Baraya Selatan', '90143'),
        ('1009', 'Maradekaya Selatan', '90141'),
        ('1010', 'Barana', '90145'),
        ('1011', 'Maccini Parang', '90144'),
        ('1012', 'Maccini Gusung', '90144'),
        ('1013', 'Maradekaya Utara', '90141'),
        ('1014', 'Bara Baraya Utara', '90143'),
    ]),
    ('04', 'Ujung Pandang', [
        ('1001', 'Maloku', '90112'),
        ('1002', 'Mangkura', '90113'),
        ('1003', 'Pisang Selatan', '90114'),
        ('1004', 'Pisang Utara', '90115'),
        ('1005', 'Baru', '90111'),
        ('1006', 'Bulogading', '90111'),
        ('1007', 'Lae-Lae', '90111'),
        ('1008', 'Losari', '90112'),
        ('1009', 'Sawerigading', '90113'),
        ('1010', 'Lajangiru', '90114'),
    ]),
    ('05', 'Wajo', [
        ('1001', 'Pattunuang', '90174'),
        ('1002', 'Melayu', '90171'),
        ('1003', 'Butung', '90173'),
        ('1004', 'Malimongan Tua', '90172'),
        ('1005', 'Ende', '90174'),
        ('1006', 'Mampu', '90173'),
        ('1007', 'Malimongan', '90172'),
        ('1008', 'Melayu Baru', '90171'),
    ]),
    ('06', 'Bontoala', [
        ('1001', 'Malimongan Baru', '90152'),
        ('1002', 'Wajo Baru', '90151'),
        ('1003', 'Gaddong', '90157'),
        ('1004', 'Bontoala', '90156'),
        ('1005', 'Baraya', '90153'),
        ('1006', 'Layang', '90154'),
        ('1007', 'Parang Layang', '90155'),
        ('1008', 'Bontoala Tua', '90156'),
        ('1009', 'Bontoala Parang', '90157'),
        ('1010', 'Tompo Balang', '90151'),
        ('1011', 'Bunga Ejaya', '90154'),
        ('1012', 'Timungan Lompoa', '90151'),
    ]),
    ('07', 'Tallo', [
        ('1001', 'Pannampu', '90213'),
        ('1002', 'Kalukuang', '90214'),
        ('1003', 'Kaluku Bodoa', '90215'),
        ('1004', 'Rappojawa', '90215'),
        ('1005', 'Rappokalling', '90216'),
        ('1006', 'Lakkang', '90211'),
        ('1007', 'Tallo', '90212'),
        ('1008', "La'latang", '90211'),
        ('1009', 'Wala-Walaya', '90217'),
        ('1010', 'Tammua', '90216'),
        ('1011', 'Buloa', '90212'),
        ('1012', 'Suangga', '90211'),
        ('1013', 'Ujung Pandang Baru', '90217'),
        ('1014', 'Lembo', '90213'),
        ('1015', 'Bunga Eja Beru', '90211'),
    ]),
    ('08', 'Ujung Tanah', [
        ('1002', 'Tabaringan', '90165'),
        ('1003', 'Patingalloang', '90161'),
        ('1004', 'Gusung', '90163'),
        ('1005', 'Cambaya', '90162'),
        ('1006', 'Ujung Tanah', '90164'),
        ('1009', 'Totaka', '90165'),
        ('1010', 'Tamalabba', '90164'),
        ('1011', 'Camba Berua', '90162'),
        ('1012', 'Patingalloang Baru', '90161'),
    ]),
    ('09', 'Panakkukang', [
        ('1001', 'Karuwisi', '90232'),
        ('1002', 'Panaikang', '90231'),
        ('1003', 'Tello Baru', '90233'),
        ('1004', 'Pampang', '90231'),
        ('1005', 'Karampuang', '90231'),
        ('1006', 'Tamamaung', '90231'),
        ('1007', 'Masale', '90231'),
        ('1008', 'Pandang', '90231'),
        ('1009', 'Karuwisi Utara', '90232'),
        ('1010', 'Sinrijala', '90231'),
        ('1011', 'Paropo', '90233'),
    ]),
    ('10', 'Tamalate', [
        ('1001', 'Barombong', '90225'),
        ('1002', 'Maccini Sombala', '90224'),
        ('1003', 'Jongaya', '90223'),
        ('1004', 'Mangasa', '90221'),
        ('1005', 'Bongaya', '90223'),
        ('1006', 'Balang Baru', '90224'),
        ('1007', 'Mannuruki', '90221'),
        ('1008', "Pa'baeng-Baeng", '90221'),
        ('1009', 'Parang Tambung', '90224'),
        ('1010', 'Tanjung Merdeka', '90225'),
        ('1011', 'Bonto Duri', None),
    ]),
    ('11', 'Biringkanaya', [
        ('1001', 'Paccerakkang', '90241'),
        ('1002', 'Daya', '90241'),
        ('1003', 'Pai', '90243'),
        ('1004', 'Bulurokeng', '90243'),
        ('1005', 'Sudiang', '90242'),
        ('1006', 'Sudiang Raya', '90242'),
        ('1007', 'Untia', '90241'),
        ('1008', 'Laikang', '90241'),
        ('1009', 'Berua', '90241'),
        ('1010', 'Katimbang', '90242'),
        ('1011', 'Bakung', '90243'),
    ]),
    ('12', 'Manggala', [
        ('1001', 'Manggala', '90234'),
        ('1002', 'Bangkala', '90235'),
        ('1003', 'Tamangapa', '90235'),
        ('1004', 'Antang', '90234'),
        ('1005', 'Batua', '90233'),
        ('1006', 'Borong', '90233'),
        ('1007', 'Biring Romang', '90235'),
        ('1008', 'Bitowa', '90234'),
    ]),
    ('13', 'Rappocini', [
        ('1001', 'Tidung', '90222'),
        ('1002', 'Kassi-Kassi', '90222'),
        ('1003', 'Mappala', '90222'),
        ('1004', 'Buakana', '90222'),
        ('1005', 'Bonto Makkio', '90222'),
        ('1006', 'Rappocini', '90222'),
        ('1007', 'Balla Parang', '90222'),
        ('1008', 'Banta-Bantaeng', '90222'),
        ('1009', 'Karunrung', '90222'),
        ('1010', 'Gunung Sari', '90221'),
        ('1011', 'Minasa Upa', '90221'),
    ]),
    ('14', 'Tamalanrea', [
        ('1001', 'Tamalanrea', '90245'),
        ('1002', 'Kapasa', '90241'),
        ('1003', 'Tamalanrea Indah', '90245'),
        ('1004', 'Parang Loe', '90245'),
        ('1005', 'Bira', '90244'),
        ('1006', 'Tamalanrea Jaya', '90245'),
        ('1007', 'Buntusu', '90245'),
        ('1008', 'Kapasa Raya', '90241'),
    ]),
    ('15', 'Kepulauan Sangkarrang', [
        ('1001', 'Barrang Caddi', '90167'),
        ('1002', 'Barrang Lompo', '90166'),
        ('1003', 'Kodingareng', '90168'),
    ]),
]


def _build() -> tuple[Kecamatan, ...]:
    tree = []
    for code, name, villages in _REGISTER:
        kode = f"{KOTA_MAKASSAR}.{code}"
        kelurahan = tuple(
            Kelurahan(kode=f"{kode}.{number}", nama=village, kode_pos=postal, kode_kecamatan=kode)
            for number, village, postal in villages
        )
        tree.append(Kecamatan(kode=kode, nama=name, kelurahan=kelurahan))
    return tuple(tree)


KECAMATAN: tuple[Kecamatan, ...] = _build()
KELURAHAN: tuple[Kelurahan, ...] = tuple(k for kec in KECAMATAN for k in kec.kelurahan)
BY_CODE: dict[str, Kecamatan | Kelurahan] = {
    **{k.kode: k for k in KECAMATAN}, **{k.kode: k for k in KELURAHAN},
}
