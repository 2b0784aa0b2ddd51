"""The super app's page at /app in a real Chromium: what a citizen and an officer see."""

from __future__ import annotations

from typing import Any

from tests.subgraphs import world as w
from tests.superapp.city import City


async def log_in(page: Any, city: City, role: str) -> None:
    await page.goto(city.gateway_url + "/app")
    await page.select_option("#peran", role)
    await page.click("#tombol-masuk")


async def test_a_citizen_logs_in_and_sees_their_whole_picture(page: Any, city: City) -> None:
    from playwright.async_api import expect

    await log_in(page, city, "warga")
    await expect(page.locator("body")).to_have_attribute("data-warga", w.HEAD)
    identity = page.locator("#bagian-identitas")
    await expect(identity).to_contain_text("Andi Baso Rahman")
    await expect(identity).to_contain_text("Kel. Losari, Kec. Ujung Pandang")
    # The members of the family card need a scope a citizen's token does not carry: that
    # part is withheld (the gateway's rule), the rest of the identity shown.
    await expect(identity).to_contain_text("Sebagian data bagian ini tidak ditampilkan")
    pbb = page.locator("#bagian-pbb")
    await expect(pbb).to_contain_text("Rp 2.480.000")
    await expect(pbb).to_contain_text("1 tagihan belum lunas")
    await expect(page.locator("#bagian-kesehatan")).to_contain_text("Puskesmas Makkasau")
    await expect(page.locator("#bagian-kesehatan")).to_contain_text("Aktif")  # JKN, via the BPJS API
    await expect(page.locator("#bagian-sosial")).to_contain_text("2026-06")
    await expect(page.locator("#bagian-izin")).to_contain_text("IZN/2024/0000001")
    await expect(page.locator("#bagian-aduan")).to_contain_text(w.ADUAN_SELESAI)
    assert await page.locator("[data-status=tidak-tersedia]").count() == 0


async def test_with_bapenda_down_the_page_says_so_and_shows_the_rest(page: Any, city: City) -> None:
    from playwright.async_api import expect

    await city.stop_opd("pendapatan")
    await log_in(page, city, "warga")
    await expect(page.locator("body")).to_have_attribute("data-warga", w.HEAD)
    await expect(page.locator("#bagian-pbb")).to_contain_text("Data Bapenda sedang tidak tersedia")
    await expect(page.locator("#bagian-pbb")).to_have_attribute("data-status", "tidak-tersedia")
    await expect(page.locator("#bagian-identitas")).to_contain_text("Andi Baso Rahman")
    await expect(page.locator("#bagian-izin")).to_contain_text("IZN/2024/0000001")
    await expect(page.locator("#bagian-aduan")).to_contain_text(w.ADUAN_SELESAI)
    assert await page.locator("[data-status=tidak-tersedia]").count() == 1


async def test_an_officer_looks_a_citizen_up_by_nik(page: Any, city: City) -> None:
    from playwright.async_api import expect

    await log_in(page, city, "operator")
    await page.fill("#nik", w.HEAD)
    await page.click("#form-cari button")
    await expect(page.locator("body")).to_have_attribute("data-warga", w.HEAD)
    await expect(page.locator("#bagian-identitas")).to_contain_text("Siti Nurhaliza")  # Disdukcapil's operator
    # An operator of Disdukcapil may not read the other OPDs' data: each part says so.
    await expect(page.locator("#bagian-pbb")).to_contain_text("Anda tidak berhak melihat data Bapenda")
    await page.fill("#nik", "7371041203800009")
    await page.click("#form-cari button")
    await expect(page.locator("#status")).to_contain_text("tidak terdaftar di Kota Makassar")


async def test_a_citizen_files_a_complaint_and_sees_it_in_the_list(page: Any, city: City) -> None:
    from playwright.async_api import expect

    await log_in(page, city, "warga")
    await expect(page.locator("body")).to_have_attribute("data-warga", w.HEAD)
    await expect(page.locator("#kategori option").first).to_be_attached()
    await page.fill("#lokasi", "Jl. Penghibur depan Pantai Losari")
    await page.fill("#deskripsi", "Lampu jalan mati sejak tiga malam")
    await page.click("#form-aduan button[type=submit]")
    await expect(page.locator("#pesan-aduan")).to_contain_text("diterima")
    number = (await page.locator("#pesan-aduan").inner_text()).split()[1]
    await expect(page.locator("#bagian-aduan")).to_contain_text(number)
    await expect(page.locator("#bagian-aduan")).to_contain_text("Jl. Penghibur depan Pantai Losari")


async def test_the_page_needs_nothing_but_the_gateway(page: Any, city: City) -> None:
    """No CDN: every request the page makes goes to the gateway it came from."""
    from playwright.async_api import expect

    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    await log_in(page, city, "warga")
    await expect(page.locator("body")).to_have_attribute("data-warga", w.HEAD)
    assert asked and all(url.startswith(city.gateway_url + "/") for url in asked), asked


async def test_a_citizen_sees_who_read_their_data(page: Any, city: City) -> None:
    """The access trail, through the page: the page's own reading of the citizen is in it."""
    from playwright.async_api import expect

    await log_in(page, city, "warga")
    await expect(page.locator("body")).to_have_attribute("data-warga", w.HEAD)
    history = page.locator("#isi-riwayat")
    for _ in range(40):  # the trail is written in batches, off the request path
        await page.click("#muat-riwayat")
        await expect(history).not_to_contain_text("Memuat")
        if "layanan_publik" in await history.inner_text():
            break
        await page.wait_for_timeout(250)
    await expect(history).to_contain_text("layanan_publik")
    await expect(history).to_contain_text("superapp")  # the client the citizen's token was issued to
