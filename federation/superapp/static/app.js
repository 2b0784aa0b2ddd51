// The Makassar Super App page: log in, then one citizen's whole picture from the gateway's
// /graphql. No framework and no CDN: it must work on the city's network without internet.
"use strict";

// Each part of the picture, the OPD subgraph that answers it and the agency people know.
// `roots` are the Penduduk fields of the part: an error at penduduk.<root> belongs to it.
const BAGIAN = [
  { key: "identitas", opd: "kependudukan", instansi: "Disdukcapil", judul: "Identitas dan Kartu Keluarga",
    roots: ["nama", "tempatLahir", "tanggalLahir", "jenisKelamin", "agama", "pekerjaan", "alamat", "kartuKeluarga"],
    fields: "nama tempatLahir tanggalLahir jenisKelamin agama pekerjaan " +
      "alamat { jalan rt rw kelurahan { nama } kecamatan { nama } } " +
      "kartuKeluarga { nomorKk anggota { nik nama hubunganKeluarga } }" },
  { key: "pbb", opd: "pendapatan", instansi: "Bapenda", judul: "Pajak Bumi dan Bangunan (PBB)",
    roots: ["tagihanPbb"], fields: "tagihanPbb { nop tahun jumlah jatuhTempo lunas }" },
  { key: "kesehatan", opd: "kesehatan", instansi: "Dinas Kesehatan", judul: "Kesehatan dan JKN",
    roots: ["kunjungan", "jkn"],
    fields: "kunjungan(limit: 5) { waktu poli diagnosa puskesmas { nama } } " +
      "jkn { nomorKartu segmen kelas status faskesPertama }" },
  { key: "sosial", opd: "sosial", instansi: "Dinas Sosial", judul: "Bantuan Sosial",
    roots: ["bantuanSosial"], fields: "bantuanSosial { program periode jumlah status }" },
  { key: "izin", opd: "perizinan", instansi: "DPMPTSP", judul: "Perizinan",
    roots: ["izin"], fields: "izin { nomor jenis status terbit berlakuSampai }" },
  { key: "aduan", opd: "aduan", instansi: "Lontara Plus", judul: "Aduan",
    roots: ["aduan"], fields: "aduan { nomor kategori lokasi status diterima batasWaktu terlambat foto }" },
];

const $ = (id) => document.getElementById(id);
let sesi = JSON.parse(sessionStorage.getItem("splp-sesi") || "null");

async function graphql(query, variables, operationName) {
  const headers = {
    "content-type": "application/json",
    "accept": "application/graphql-response+json, application/json",
    "apollographql-client-name": "splp-app",
  };
  if (sesi && sesi.token) headers.authorization = "Bearer " + sesi.token;
  // Personal data is processed only for a stated purpose (UU PDP): the one the login gave.
  if (sesi && sesi.purpose) headers["x-splp-purpose"] = sesi.purpose;
  const response = await fetch("/graphql", {
    method: "POST", headers, body: JSON.stringify({ query, variables, operationName }),
  });
  let body;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!body || (body.data === undefined && !body.errors)) {
    throw new Error("Gateway menjawab " + response.status + " tanpa jawaban GraphQL.");
  }
  if (response.status === 401) throw new Error("Sesi tidak sah atau kedaluwarsa; silakan masuk lagi.");
  return body;
}

// -- formatting ------------------------------------------------------------------------
const rupiah = (n) => "Rp " + new Intl.NumberFormat("id-ID").format(n);
const tanggal = (s) => s ? new Date(s.length === 10 ? s + "T00:00:00+08:00" : s)
  .toLocaleDateString("id-ID", { day: "numeric", month: "long", year: "numeric", timeZone: "Asia/Makassar" }) : "—";
const waktu = (s) => s ? new Date(s).toLocaleString("id-ID", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Makassar" }) : "—";
const label = (v) => v == null ? "—" : String(v).charAt(0) + String(v).slice(1).toLowerCase().replace(/_/g, " ");

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child == null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function tabel(kepala, baris) {
  if (!baris.length) return el("p", { class: "kosong" }, "Tidak ada data.");
  return el("table", {}, el("thead", {}, el("tr", {}, kepala.map((k) => el("th", {}, k)))),
    el("tbody", {}, baris.map((b) => el("tr", {}, b.map((c) => el("td", {}, c))))));
}

function kartu(bagian, ...isi) {
  return el("section", { class: "kartu", id: "bagian-" + bagian.key, "data-status": "ok" },
    el("h2", {}, bagian.judul, " ", el("small", {}, "· " + bagian.instansi)), ...isi);
}

const TAMPIL = {
  identitas(p) {
    const a = p.alamat;
    const kk = p.kartuKeluarga;
    return [
      tabel(["", ""], [
        ["NIK", p.nik], ["Nama", p.nama], ["Tempat, tanggal lahir", p.tempatLahir + ", " + tanggal(p.tanggalLahir)],
        ["Jenis kelamin", label(p.jenisKelamin)], ["Agama", label(p.agama)], ["Pekerjaan", p.pekerjaan],
        ["Alamat", a ? `${a.jalan} RT ${a.rt}/RW ${a.rw}, Kel. ${a.kelurahan.nama}, Kec. ${a.kecamatan.nama}` : "—"],
      ]),
      el("h3", {}, "Kartu Keluarga " + (kk ? kk.nomorKk : "")),
      kk ? tabel(["Nama", "Hubungan"], kk.anggota.map((m) => [m.nama || "—", label(m.hubunganKeluarga)]))
        : el("p", { class: "kosong" }, "Kartu keluarga tidak dapat ditampilkan."),
    ];
  },
  pbb(p) {
    const belum = p.tagihanPbb.filter((t) => !t.lunas);
    return [
      el("p", {}, belum.length ? `${belum.length} tagihan belum lunas, total ${rupiah(belum.reduce((s, t) => s + t.jumlah, 0))}.`
        : "Semua tagihan lunas."),
      tabel(["Tahun", "NOP", "Jumlah", "Jatuh tempo", "Status"], p.tagihanPbb.map((t) => [
        t.tahun, t.nop, rupiah(t.jumlah), tanggal(t.jatuhTempo),
        el("span", { class: t.lunas ? "lunas" : "belum" }, t.lunas ? "Lunas" : "Belum lunas")])),
    ];
  },
  kesehatan(p) {
    const j = p.jkn;
    return [
      el("h3", {}, "JKN"),
      j ? tabel(["", ""], [["Nomor kartu", j.nomorKartu], ["Segmen", label(j.segmen)], ["Kelas", j.kelas],
        ["Status", label(j.status)], ["Faskes pertama", j.faskesPertama]])
        : el("p", { class: "kosong" }, "Bukan peserta JKN."),
      el("h3", {}, "Kunjungan puskesmas"),
      tabel(["Waktu", "Puskesmas", "Poli", "Diagnosa"],
        (p.kunjungan || []).map((k) => [waktu(k.waktu), k.puskesmas.nama, label(k.poli), k.diagnosa])),
    ];
  },
  sosial(p) {
    return [tabel(["Program", "Periode", "Jumlah", "Status"],
      p.bantuanSosial.map((b) => [label(b.program), b.periode, rupiah(b.jumlah), label(b.status)]))];
  },
  izin(p) {
    return [tabel(["Nomor", "Jenis", "Status", "Terbit", "Berlaku sampai"],
      p.izin.map((i) => [i.nomor, i.jenis, label(i.status), tanggal(i.terbit), tanggal(i.berlakuSampai)]))];
  },
  aduan(p) {
    if (!p.aduan.length) return [el("p", { class: "kosong" }, "Tidak ada data.")];
    // Each row follows its complaint live (graphql-ws, below): its status cell changes in place.
    const baris = p.aduan.map((a) => el("tr", { "data-nomor": a.nomor, "data-status-aduan": a.status },
      el("td", {}, a.nomor), el("td", {}, label(a.kategori)), el("td", {}, a.lokasi),
      el("td", { class: "status-aduan" }, statusAduan(a)), el("td", { class: "batas-aduan" }, waktu(a.batasWaktu)),
      el("td", {}, (a.foto || []).map((url, i) => el("a", { href: alamatFoto(url), target: "_blank", rel: "noopener",
        class: "foto-aduan" }, "Foto " + (i + 1))))));
    return [el("table", {}, el("thead", {}, el("tr", {},
      ["Nomor", "Kategori", "Lokasi", "Status", "Batas waktu", "Foto"].map((k) => el("th", {}, k)))),
    el("tbody", {}, baris))];
  },
};

function statusAduan(a) {
  return el("span", { class: a.terlambat ? "belum" : "" }, label(a.status) + (a.terlambat ? " (terlambat)" : ""));
}

// A photo's address as the page can reach it: through the gateway's /aduan/foto/ (the aduan
// subgraph's own address is not reachable from a phone).
function alamatFoto(url) {
  const m = /\/foto\/([0-9a-f]{32}\.(?:jpg|png|webp))$/.exec(url || "");
  return m ? "/aduan/foto/" + m[1] : url;
}

// -- the picture -----------------------------------------------------------------------
function bagianOf(error) {
  const service = error.extensions && error.extensions.serviceName;
  if (service) {
    const found = BAGIAN.find((b) => b.opd === service);
    if (found) return found;
  }
  const path = error.path || [];
  if (path[0] === "penduduk" && typeof path[1] === "string") {
    return BAGIAN.find((b) => b.roots.includes(path[1])) || null;
  }
  return null;
}

function queryFor(parts) {
  return "query GambaranWarga($nik: NIK!) { penduduk(nik: $nik) { nik " +
    parts.map((b) => b.fields).join(" ") + " } }";
}

async function tampilkanWarga(nik) {
  const mulai = performance.now();
  const wadah = $("warga");
  wadah.hidden = true;
  wadah.replaceChildren();
  document.body.removeAttribute("data-warga");
  $("status").textContent = "Memuat data warga…";
  let parts = BAGIAN.slice();
  const hilang = new Map();  // bagian key -> reason
  const sebagian = new Set();  // parts shown with some fields withheld or missing
  let body;
  // One query for the whole picture. A supergraph whose OPD fields are non-null nulls the
  // whole citizen when one OPD is down: then ask again without the parts that failed.
  for (let attempt = 0; attempt < BAGIAN.length; attempt++) {
    try {
      body = await graphql(queryFor(parts), { nik }, "GambaranWarga");
    } catch (e) {
      $("status").textContent = e.message;
      return;
    }
    if (!body.data) {
      $("status").textContent = (body.errors || []).map((e) => e.message).join("; ") || "Permintaan ditolak.";
      return;
    }
    for (const error of body.errors || []) {
      const b = bagianOf(error);
      if (!b || hilang.has(b.key)) continue;
      const code = (error.extensions && error.extensions.code) || "";
      const path = error.path || [];
      if (code.startsWith("UNAUTHORIZED")) {
        // A whole part the person may not read, or only some fields of it (shown as "—").
        if (path.length <= 2) hilang.set(b.key, "Anda tidak berhak melihat data " + b.instansi);
        else sebagian.add(b.key);
      } else if (error.extensions && error.extensions.serviceName || path.length <= 2) {
        hilang.set(b.key, "Data " + b.instansi + " sedang tidak tersedia");
      } else {
        sebagian.add(b.key);
      }
    }
    const gagal = parts.filter((b) => hilang.has(b.key) && b.key !== "identitas");
    if (body.data.penduduk !== null || !gagal.length || hilang.has("identitas")) break;
    parts = parts.filter((b) => !hilang.has(b.key));
  }
  const p = body.data.penduduk;
  if (p === null) {
    $("status").textContent = hilang.has("identitas") ? hilang.get("identitas")
      : `NIK ${nik} tidak terdaftar di Kota Makassar.`;
    document.body.setAttribute("data-warga", "kosong");
    return;
  }
  for (const b of BAGIAN) {
    let isi;
    if (hilang.has(b.key)) {
      isi = kartu(b, el("p", { class: "tidak-tersedia" }, hilang.get(b.key) + "."));
      isi.setAttribute("data-status", "tidak-tersedia");
    } else {
      try {
        isi = kartu(b, ...TAMPIL[b.key](p));
        if (sebagian.has(b.key)) {
          isi.append(el("p", { class: "kosong" }, "Sebagian data bagian ini tidak ditampilkan (tidak tersedia atau tidak berhak)."));
        }
      } catch (e) {
        isi = kartu(b, el("p", { class: "tidak-tersedia" }, "Data " + b.instansi + " sedang tidak tersedia."));
        isi.setAttribute("data-status", "tidak-tersedia");
      }
    }
    wadah.append(isi);
  }
  wadah.hidden = false;
  ikutiAduan(hilang.has("aduan") ? [] : (p.aduan || []).map((a) => a.nomor));
  const ms = performance.now() - mulai;
  $("status").textContent = hilang.size ? `Sebagian data belum dapat ditampilkan (${hilang.size} bagian).` : "";
  document.body.setAttribute("data-warga", nik);
  document.body.setAttribute("data-waktu-tampil-ms", ms.toFixed(1));
}

// -- complaints live: graphql-ws (graphql-transport-ws) on the gateway's /graphql ----------
// One WebSocket for every complaint shown, one subscription each; the first event of
// `aduanBerubah(nomor:)` is the complaint as it is now, then every step taken on it.
const LANGSUNG = "subscription AduanBerubah($nomor: String!) { aduanBerubah(nomor: $nomor) " +
  "{ nomor status terlambat batasWaktu } }";
const langsung = { ws: null, siap: false, diikuti: new Set(), coba: 0, timer: null };

function hubungkanLangsung() {
  if (langsung.ws || !sesi || !langsung.diikuti.size) return;
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql",
    "graphql-transport-ws");
  langsung.ws = ws;
  langsung.siap = false;
  ws.onopen = () => {
    // A browser cannot set headers on a WebSocket: the credentials go in connection_init.
    const payload = { authorization: "Bearer " + sesi.token };
    if (sesi.purpose) payload["x-splp-purpose"] = sesi.purpose;
    ws.send(JSON.stringify({ type: "connection_init", payload }));
  };
  ws.onmessage = (event) => {
    let m;
    try { m = JSON.parse(event.data); } catch (e) { return; }
    if (m.type === "connection_ack") {
      langsung.siap = true;
      langsung.coba = 0;
      for (const nomor of langsung.diikuti) langgan(nomor);
    } else if (m.type === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
    } else if (m.type === "next" && m.payload && m.payload.data && m.payload.data.aduanBerubah) {
      perbaruiAduan(m.payload.data.aduanBerubah);
    } else if (m.type === "error" || m.type === "complete") {
      const row = document.querySelector(`tr[data-nomor="${CSS.escape(String(m.id || ""))}"]`);
      if (row) row.removeAttribute("data-langsung");
    }
  };
  ws.onclose = () => {
    langsung.ws = null;
    langsung.siap = false;
    document.querySelectorAll("tr[data-langsung]").forEach((row) => row.removeAttribute("data-langsung"));
    if (sesi && langsung.diikuti.size) {  // reconnect, backing off to 30 s
      const tunggu = Math.min(30000, 1000 * 2 ** langsung.coba++);
      langsung.timer = setTimeout(hubungkanLangsung, tunggu);
    }
  };
}

function langgan(nomor) {
  langsung.ws.send(JSON.stringify({ id: nomor, type: "subscribe",
    payload: { query: LANGSUNG, variables: { nomor }, operationName: "AduanBerubah" } }));
}

function ikutiAduan(nomors) {
  const baru = new Set(nomors.slice(0, 50));
  for (const nomor of langsung.diikuti) {
    if (!baru.has(nomor) && langsung.siap) langsung.ws.send(JSON.stringify({ id: nomor, type: "complete" }));
  }
  const tambah = [...baru].filter((n) => !langsung.diikuti.has(n));
  langsung.diikuti = baru;
  if (langsung.siap) tambah.forEach(langgan);
  else hubungkanLangsung();
}

function putuskanLangsung() {
  langsung.diikuti = new Set();
  clearTimeout(langsung.timer);
  if (langsung.ws) langsung.ws.close(1000);
}

function perbaruiAduan(a) {
  const row = document.querySelector(`tr[data-nomor="${CSS.escape(a.nomor)}"]`);
  if (!row) return;
  row.setAttribute("data-langsung", "ya");
  if (row.getAttribute("data-status-aduan") !== a.status) {
    row.setAttribute("data-status-aduan", a.status);
    row.querySelector(".status-aduan").replaceChildren(statusAduan(a));
    row.querySelector(".batas-aduan").textContent = waktu(a.batasWaktu);
    row.classList.add("berubah");
    $("status").textContent = `Aduan ${a.nomor}: ${label(a.status)}.`;
  }
}

// -- who read my data (the gateway's access trail) -------------------------------------
async function muatRiwayat() {
  const wadah = $("isi-riwayat");
  wadah.replaceChildren(el("p", {}, "Memuat riwayat…"));
  const headers = { authorization: "Bearer " + sesi.token, "x-splp-purpose": "riwayat_pemrosesan" };
  try {
    const response = await fetch("/trail/me", { headers });
    const body = await response.json();
    if (!response.ok) {
      wadah.replaceChildren(el("p", { class: "galat" }, (body.errors || []).map((e) => e.message).join("; ")
        || "Riwayat tidak tersedia."));
      return;
    }
    const baris = (body.records || []).slice().reverse().map((r) => [
      waktu(typeof r.at === "number" ? new Date(r.at * 1000).toISOString() : r.at), r.client || "—",
      label(r.role), r.purpose || "—", (r.fields || []).join(", "), r.outcome || "—"]);
    wadah.replaceChildren(tabel(["Waktu", "Aplikasi", "Peran", "Tujuan", "Data", "Hasil"], baris));
    wadah.setAttribute("data-jumlah", String(baris.length));
  } catch (e) { wadah.replaceChildren(el("p", { class: "galat" }, "Riwayat tidak dapat dimuat.")); }
}

// -- complaints ------------------------------------------------------------------------
async function siapkanAduan() {
  if (!(sesi && sesi.role === "warga" && sesi.nik)) { $("ajukan").hidden = true; return; }
  $("ajukan").hidden = false;
  if ($("kategori").options.length) return;
  try {
    const body = await graphql("query KategoriAduan { __type(name: \"KategoriAduan\") { enumValues { name description } } }",
      {}, "KategoriAduan");
    for (const v of (body.data && body.data.__type ? body.data.__type.enumValues : [])) {
      $("kategori").append(el("option", { value: v.name }, label(v.name)));
    }
  } catch (e) { $("pesan-aduan").textContent = e.message; }
}

// A photo goes first: an upload URL (mintaUnggahFoto without a number: for the complaint being
// filed), the image PUT there through the gateway, and the address it answers passed in `foto:`.
async function unggahFoto(berkas) {
  if (berkas.size > 5 * 1024 * 1024) throw new Error("foto paling besar 5 MB");
  const izin = await graphql("mutation MintaUnggahFoto { mintaUnggahFoto { url } }", {}, "MintaUnggahFoto");
  if (!izin.data || !izin.data.mintaUnggahFoto) {
    throw new Error((izin.errors || []).map((e) => e.message).join("; ") || "unggah foto ditolak");
  }
  const token = izin.data.mintaUnggahFoto.url.split("/").pop();
  const response = await fetch("/aduan/unggah/" + encodeURIComponent(token), {
    method: "PUT", body: berkas, headers: { "content-type": berkas.type || "application/octet-stream" },
  });
  let body = {};
  try { body = await response.json(); } catch (e) { /* not JSON: said below */ }
  if (response.status !== 201 || !body.url) throw new Error(body.error || "foto tidak tersimpan (" + response.status + ")");
  return body.url;
}

async function kirimAduan(event) {
  event.preventDefault();
  // The complainant's NIK comes from the token, never from the form.
  const aduan = { kategori: $("kategori").value, lokasi: $("lokasi").value.trim(),
    deskripsi: $("deskripsi").value.trim() };
  const titik = $("titik").dataset;
  if (titik.lintang && titik.bujur) { aduan.lintang = Number(titik.lintang); aduan.bujur = Number(titik.bujur); }
  $("pesan-aduan").textContent = "Mengirim…";
  try {
    const berkas = $("foto").files && $("foto").files[0];
    if (berkas) {
      $("pesan-aduan").textContent = "Mengunggah foto…";
      aduan.foto = [await unggahFoto(berkas)];
    }
    const body = await graphql("mutation AjukanAduan($aduan: AduanBaru!) { ajukanAduan(aduan: $aduan) { nomor status } }",
      { aduan }, "AjukanAduan");
    if (body.data && body.data.ajukanAduan) {
      $("pesan-aduan").textContent = `Aduan ${body.data.ajukanAduan.nomor} diterima (${label(body.data.ajukanAduan.status)}).`;
      $("form-aduan").reset();
      setTitik(null);
      await tampilkanWarga(sesi.nik);
    } else {
      $("pesan-aduan").textContent = "Aduan tidak terkirim: " + (body.errors || []).map((e) => e.message).join("; ");
    }
  } catch (e) { $("pesan-aduan").textContent = "Aduan tidak terkirim: " + e.message; }
}

// -- session ---------------------------------------------------------------------------
function claimsOf(token) {
  try {
    return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  } catch (e) { return {}; }
}

function masuk(s) {
  sesi = s;
  sessionStorage.setItem("splp-sesi", JSON.stringify(s));
  tampilkanSesi();
}

function tampilkanSesi() {
  const aktif = !!sesi;
  $("masuk").hidden = aktif;
  $("sesi").hidden = !aktif;
  $("cari").hidden = !aktif || (sesi.role === "warga" && !!sesi.nik);
  if (!aktif) {
    $("warga").hidden = true; $("ajukan").hidden = true; $("riwayat").hidden = true; $("status").textContent = "";
    return;
  }
  $("riwayat").hidden = !(sesi.role === "warga" && sesi.nik);
  $("sesi-nama").textContent = `${sesi.name || "Pengguna"} (${NAMA_PERAN[sesi.role] || label(sesi.role || "tanpa peran")}` +
    (sesi.opd ? `, ${label(sesi.opd)}` : "") + ")";
  siapkanAduan();
  if (sesi.role === "warga" && sesi.nik) tampilkanWarga(sesi.nik);
}

const NAMA_PERAN = {
  warga: "Warga", operator: "Operator OPD", meja_aduan: "Meja Aduan Lontara Plus", koordinator: "Koordinator OPD",
  petugas_lapangan: "Petugas lapangan", kepala_opd: "Kepala OPD", admin_kota: "Admin Kota", dpo: "Pejabat Pelindungan Data",
};
let demo = null;  // what /demo/roles said: the demo's roles, OPDs and sample citizen

async function muatPeran() {
  try {
    const response = await fetch("/demo/roles");
    demo = response.ok ? await response.json() : null;
    const roles = (demo && demo.roles) || [];
    for (const r of roles) $("peran").append(el("option", { value: r }, NAMA_PERAN[r] || label(r)));
    for (const o of (demo && demo.opds) || []) $("opd").append(el("option", { value: o }, label(o)));
    if (!roles.length) {
      $("form-masuk").hidden = true;
      $("pesan-masuk").textContent = "Login demo tidak aktif di gateway ini: masuk dengan token dari penyedia identitas kota.";
    }
  } catch (e) { $("pesan-masuk").textContent = "Gateway tidak dapat dihubungi."; }
}

$("form-masuk").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("pesan-masuk").textContent = "";
  const role = $("peran").value;
  const params = new URLSearchParams({ role });
  if (role === "warga" && demo && demo.sample_nik) params.set("nik", demo.sample_nik);
  if (role === "operator") params.set("opd", $("opd").value);
  try {
    const response = await fetch("/demo/token?" + params);
    const body = await response.json();
    if (!response.ok) { $("pesan-masuk").textContent = body.error || "Gagal masuk."; return; }
    const claims = claimsOf(body.token);
    masuk({ token: body.token, purpose: body.purpose || null, role, nik: claims.nik || null,
      name: claims.name || NAMA_PERAN[role] || role, opd: claims.opd || null });
  } catch (e) { $("pesan-masuk").textContent = "Gagal masuk: gateway tidak dapat dihubungi."; }
});

$("form-token").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("token").value.trim();
  const claims = claimsOf(token);
  masuk({ token, purpose: $("token-tujuan").value.trim() || null, role: claims.role || null,
    name: claims.name || claims.sub || null, nik: claims.nik || null, opd: claims.opd || null });
});

$("form-cari").addEventListener("submit", (event) => {
  event.preventDefault();
  const nik = $("nik").value.trim();
  if (!/^\d{16}$/.test(nik)) { $("status").textContent = "NIK harus 16 digit angka."; return; }
  tampilkanWarga(nik);
});

$("form-aduan").addEventListener("submit", kirimAduan);
$("muat-riwayat").addEventListener("click", muatRiwayat);
$("peran").addEventListener("change", () => { $("pilih-opd").hidden = $("peran").value !== "operator"; });
function setTitik(coords) {
  const titik = $("titik");
  titik.dataset.lintang = coords ? coords.latitude.toFixed(6) : "";
  titik.dataset.bujur = coords ? coords.longitude.toFixed(6) : "";
  titik.textContent = coords ? `Titik lokasi: ${titik.dataset.lintang}, ${titik.dataset.bujur}`
    : "Titik lokasi belum dipilih.";
}

$("pakai-lokasi").addEventListener("click", () => {
  if (!navigator.geolocation) { $("pesan-aduan").textContent = "Peramban tidak mendukung lokasi."; return; }
  navigator.geolocation.getCurrentPosition(
    (pos) => setTitik(pos.coords),
    () => { $("pesan-aduan").textContent = "Lokasi tidak dapat dibaca."; },
    { enableHighAccuracy: true, timeout: 10000 });
});
$("keluar").addEventListener("click", () => {
  sessionStorage.removeItem("splp-sesi");
  putuskanLangsung();
  sesi = null;
  tampilkanSesi();
});

muatPeran();
tampilkanSesi();
