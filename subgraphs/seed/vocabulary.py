"""Names, streets and other words the generator draws from (common in Makassar)."""

from __future__ import annotations

NAMA_LAKI = [
    "Muhammad", "Andi", "Ahmad", "Abdul", "Rahmat", "Syamsul", "Hasanuddin", "Arifin", "Irfan", "Fajar",
    "Rizal", "Budi", "Agus", "Hendra", "Ilham", "Syahrul", "Jusman", "Taufik", "Ridwan", "Sudirman",
    "Baso", "Sultan", "Akbar", "Ikhsan", "Yusuf", "Rudi", "Amiruddin", "Nurdin", "Haris", "Asri",
]
NAMA_PEREMPUAN = [
    "Siti", "Nurhayati", "Andi", "Sitti", "Hasnah", "Rahmawati", "Nurul", "Fitri", "Sri", "Dewi",
    "Indah", "Kartini", "Rosmini", "Hajrah", "Asmawati", "Nurlela", "Wahyuni", "Rina", "Megawati", "Ayu",
    "Fatimah", "Aisyah", "Sulfiani", "Hasriani", "Jumriah", "Nurjannah", "Anita", "Suriani", "Irma", "Mutmainnah",
]
NAMA_BELAKANG = [
    "Rahman", "Hamid", "Saleh", "Latif", "Syam", "Amir", "Hakim", "Basri", "Ramli", "Nur", "Arsyad",
    "Tahir", "Mappaseng", "Daeng Ngalle", "Daeng Sikki", "Pratama", "Wijaya", "Putri", "Lestari", "Kurniawan",
    "Sanusi", "Mansyur", "Maulana", "Ismail", "Hasan", "Idris", "Malik", "Usman", "Yunus", "Rasyid",
]
JALAN = [
    "Jl. Perintis Kemerdekaan", "Jl. Urip Sumoharjo", "Jl. A.P. Pettarani", "Jl. Sultan Alauddin",
    "Jl. Veteran Selatan", "Jl. Veteran Utara", "Jl. Gunung Bawakaraeng", "Jl. Sam Ratulangi",
    "Jl. Boulevard", "Jl. Hertasning", "Jl. Toddopuli Raya", "Jl. Antang Raya", "Jl. Abdullah Daeng Sirua",
    "Jl. Cendrawasih", "Jl. Rappocini Raya", "Jl. Kakatua", "Jl. Landak Baru", "Jl. Baji Gau",
    "Jl. Tamalate", "Jl. Daeng Tata", "Jl. Tinumbu", "Jl. Sunu", "Jl. Kandea", "Jl. Bandang",
    "Jl. Gatot Subroto", "Jl. Ujung Pandang Baru", "Jl. Kima Raya", "Jl. Sudiang Raya", "Jl. Paccerakkang",
    "Jl. Tamalanrea Raya", "Jl. Pampang Raya", "Jl. Batua Raya", "Jl. Borong Raya", "Jl. Manuruki",
    "Jl. Metro Tanjung Bunga", "Jl. Penghibur", "Jl. Somba Opu", "Jl. Nusantara", "Jl. Ahmad Yani",
]
TEMPAT_LAHIR_LAIN = [
    "Gowa", "Maros", "Bone", "Pinrang", "Palopo", "Parepare", "Takalar", "Jeneponto", "Bulukumba",
    "Sidenreng Rappang", "Wajo", "Soppeng", "Barru", "Pangkajene", "Sinjai", "Toraja", "Selayar", "Luwu",
]
# Regencies (and cities) of Sulawesi Selatan where a Makassar resident may have been registered first.
KABUPATEN_SULSEL = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14",
                    "15", "16", "17", "18", "22", "24", "25", "26", "72", "73"]
AGAMA = [("ISLAM", 880), ("KRISTEN", 70), ("KATOLIK", 20), ("BUDDHA", 20), ("HINDU", 5), ("KONGHUCU", 5)]
PEKERJAAN_DEWASA = [
    "Wiraswasta", "Karyawan Swasta", "Mengurus Rumah Tangga", "Pedagang", "Pegawai Negeri Sipil",
    "Buruh Harian Lepas", "Guru", "Sopir", "Nelayan", "Karyawan BUMN", "Dosen", "Perawat", "Tukang Batu",
    "Pengemudi Ojek", "Penjahit",
]
POLI_KELUHAN = [
    ("UMUM", "Demam dan batuk", "J06.9"), ("UMUM", "Sakit kepala", "R51"), ("UMUM", "Diare", "A09"),
    ("UMUM", "Tekanan darah tinggi", "I10"), ("UMUM", "Gatal-gatal", "L30.9"), ("UMUM", "Nyeri lambung", "K29.7"),
    ("GIGI", "Sakit gigi", "K02.9"), ("KIA", "Pemeriksaan kehamilan", "Z34.9"), ("KIA", "Imunisasi anak", "Z23"),
    ("LANSIA", "Kontrol gula darah", "E11.9"), ("LANSIA", "Nyeri sendi", "M25.5"),
]
USAHA = [
    ("Toko Kelontong", "47111"), ("Warung Makan", "56102"), ("Coto Makassar", "56101"), ("Laundry", "96012"),
    ("Bengkel Motor", "45405"), ("Toko Bangunan", "47521"), ("Kue Tradisional", "10792"),
    ("Konter Pulsa", "47413"), ("Pangkas Rambut", "96021"), ("Penjahit", "14111"), ("Percetakan", "18111"),
    ("Apotek", "47722"),
]
JENIS_IZIN = ["Sertifikat Standar", "Izin Usaha Mikro Kecil", "Persetujuan Bangunan Gedung",
              "Sertifikat Laik Fungsi", "Izin Reklame"]
LOKASI_ADUAN = {
    "JALAN_RUSAK": "Jalan berlubang di depan rumah warga",
    "SAMPAH": "Sampah menumpuk belum diangkut",
    "BANJIR": "Genangan air setinggi lutut setelah hujan",
    "DRAINASE": "Saluran air tersumbat",
    "PENERANGAN_JALAN": "Lampu jalan padam",
    "ADMINISTRASI_KEPENDUDUKAN": "Pencetakan KTP-el belum selesai",
    "PELAYANAN_KESEHATAN": "Antrean puskesmas terlalu lama",
    "BANTUAN_SOSIAL": "Bantuan belum diterima",
    "PERIZINAN": "Permohonan izin belum diproses",
    "LAINNYA": "Pengaduan lainnya",
}
OPD_KATEGORI = {
    "JALAN_RUSAK": "DINAS_PU", "SAMPAH": "DLH", "BANJIR": "BPBD", "DRAINASE": "DINAS_PU",
    "PENERANGAN_JALAN": "DISHUB", "ADMINISTRASI_KEPENDUDUKAN": "DISDUKCAPIL", "PELAYANAN_KESEHATAN": "DINKES",
    "BANTUAN_SOSIAL": "DINSOS", "PERIZINAN": "DPMPTSP", "LAINNYA": "DLH",
}
PETUGAS = ["Andi Rahmat", "Nurul Hidayah", "Syamsul Bahri", "Hasnah Saleh", "Irfan Hakim", "Wahyuni Nur"]
# Community health centres: (kecamatan code, name, street).
PUSKESMAS = [
    ("01", "Puskesmas Panambungan", "Jl. Rajawali Lr. 13"), ("01", "Puskesmas Mariso", "Jl. Gagak"),
    ("02", "Puskesmas Mamajang", "Jl. Baji Minasa"), ("02", "Puskesmas Cendrawasih", "Jl. Cendrawasih"),
    ("03", "Puskesmas Maradekaya", "Jl. Sungai Saddang Baru"), ("03", "Puskesmas Maccini Sawah", "Jl. Maccini"),
    ("04", "Puskesmas Makkasau", "Jl. Dr. Sam Ratulangi"), ("05", "Puskesmas Malimongan Baru", "Jl. Tinumbu"),
    ("06", "Puskesmas Bontoala", "Jl. Bontoala"), ("07", "Puskesmas Jumpandang Baru", "Jl. Ujung Pandang Baru"),
    ("07", "Puskesmas Kaluku Bodoa", "Jl. Kalukuang"), ("08", "Puskesmas Pattingalloang", "Jl. Barukang"),
    ("09", "Puskesmas Pampang", "Jl. Pampang Raya"), ("09", "Puskesmas Karuwisi", "Jl. Karuwisi"),
    ("10", "Puskesmas Jongaya", "Jl. Andi Tonro"), ("10", "Puskesmas Barombong", "Jl. Tanjung Merdeka"),
    ("11", "Puskesmas Sudiang Raya", "Jl. Sudiang Raya"), ("11", "Puskesmas Paccerakkang", "Jl. Paccerakkang"),
    ("12", "Puskesmas Batua", "Jl. Abdullah Daeng Sirua"), ("12", "Puskesmas Antang", "Jl. Antang Raya"),
    ("13", "Puskesmas Kassi-Kassi", "Jl. Tamalate I"), ("13", "Puskesmas Mangasa", "Jl. Monumen Emmy Saelan"),
    ("14", "Puskesmas Tamalanrea", "Jl. Perintis Kemerdekaan"), ("14", "Puskesmas Antara", "Jl. Kapasa"),
    ("15", "Puskesmas Barrang Lompo", "Pulau Barrang Lompo"), ("15", "Puskesmas Kodingareng", "Pulau Kodingareng"),
]
