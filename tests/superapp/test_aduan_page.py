"""Complaints on the super app's page in Chromium: filed with a photo and the phone's location,
and their status changing on the page as the desk works them (graphql-ws through the gateway)."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import httpx

from federation.security.demo import people_tokens
from tests.subgraphs import world as w
from tests.superapp.city import City
from tests.superapp.test_app_page import log_in


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG image (the subgraph keeps only images it recognises by their bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xc8\x32\x32" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


async def file_on_page(page: Any, lokasi: str, deskripsi: str, photo: bytes | None = None) -> str:
    from playwright.async_api import expect

    await expect(page.locator("body")).to_have_attribute("data-warga", w.HEAD)
    await expect(page.locator("#kategori option").first).to_be_attached()
    await page.fill("#lokasi", lokasi)
    await page.fill("#deskripsi", deskripsi)
    if photo is not None:
        await page.set_input_files("#foto", files=[{"name": "lubang.png", "mimeType": "image/png", "buffer": photo}])
    await page.click("#form-aduan button[type=submit]")
    await expect(page.locator("#pesan-aduan")).to_contain_text("diterima")
    number: str = (await page.locator("#pesan-aduan").inner_text()).split()[1]
    return number


async def as_role(city: City, role: str, query: str, **variables: object) -> dict[str, Any]:
    assert city.security is not None
    token = people_tokens(city.security.identity, w.HEAD)[role]
    purpose = "layanan_publik" if role == "warga" else "penanganan_aduan"
    async with httpx.AsyncClient() as http:
        answer = await http.post(city.gateway_url + "/graphql", json={"query": query, "variables": variables},
                                 headers={"authorization": f"Bearer {token}", "x-splp-purpose": purpose})
    body: dict[str, Any] = answer.json()
    assert not body.get("errors"), body
    return body["data"]  # type: ignore[no-any-return]


async def test_a_complaint_filed_with_a_photo_and_the_location_shows_its_number(page: Any, city: City) -> None:
    from playwright.async_api import expect

    image = png()
    await log_in(page, city, "warga")
    await expect(page.locator("body")).to_have_attribute("data-warga", w.HEAD)
    await page.click("#pakai-lokasi")
    await expect(page.locator("#titik")).to_contain_text("-5.143610, 119.407500")
    number = await file_on_page(page, "Jl. Penghibur depan Pantai Losari", "Lubang di trotoar", image)

    assert number.startswith("ADU-")
    row = page.locator(f'tr[data-nomor="{number}"]')
    await expect(row).to_contain_text("Jl. Penghibur depan Pantai Losari")
    link = row.locator("a.foto-aduan")
    await expect(link).to_have_text("Foto 1")
    # the photo the complaint carries is the one the page sent, served through the gateway
    href = await link.get_attribute("href")
    served = await page.request.get(city.gateway_url + href)
    assert served.status == 200 and served.headers["content-type"] == "image/png"
    assert await served.body() == image
    stored = await as_role(city, "warga", "query($n: String!) { aduan(nomor: $n) { lintang bujur foto } }", n=number)
    assert stored["aduan"]["lintang"] == -5.14361 and stored["aduan"]["bujur"] == 119.4075
    assert stored["aduan"]["foto"] == [city.gateway_url + href]  # SPLP_ADUAN_PUBLIC_URL: the gateway's /aduan


async def test_a_file_that_is_not_an_image_is_refused_on_the_page_and_nothing_is_filed(
    page: Any, city: City
) -> None:
    from playwright.async_api import expect

    await log_in(page, city, "warga")
    await expect(page.locator("body")).to_have_attribute("data-warga", w.HEAD)
    await expect(page.locator("#kategori option").first).to_be_attached()
    before = await page.locator("#bagian-aduan tbody tr").count()
    await page.fill("#lokasi", "Jl. Somba Opu")
    await page.fill("#deskripsi", "Sampah menumpuk")
    await page.set_input_files("#foto", files=[{"name": "foto.png", "mimeType": "image/png",
                                                "buffer": b"<script>alert(1)</script>"}])
    await page.click("#form-aduan button[type=submit]")
    await expect(page.locator("#pesan-aduan")).to_contain_text("Aduan tidak terkirim: a photo is a JPEG, PNG or WebP")
    assert await page.locator("#bagian-aduan tbody tr").count() == before


async def test_the_status_changes_on_the_page_when_the_desk_verifies_the_complaint(
    live_page: Any, live_city: City
) -> None:
    from playwright.async_api import expect

    page, city = live_page, live_city
    await log_in(page, city, "warga")
    number = await file_on_page(page, "Jl. A. P. Pettarani depan kantor camat", "Lampu lalu lintas mati")
    row = page.locator(f'tr[data-nomor="{number}"]')
    await expect(row).to_have_attribute("data-status-aduan", "DITERIMA")
    await expect(row).to_have_attribute("data-langsung", "ya")  # its subscription answered with the current state

    await as_role(city, "meja_aduan", 'mutation($n: String!) { verifikasiAduan(nomor: $n, catatan: "Lengkap") '
                                      "{ status } }", n=number)

    await expect(row).to_have_attribute("data-status-aduan", "DIVERIFIKASI")
    await expect(row.locator(".status-aduan")).to_have_text("Diverifikasi")
    await expect(page.locator("#status")).to_contain_text(f"Aduan {number}: Diverifikasi")

    await as_role(city, "meja_aduan", "mutation($n: String!) { disposisikanAduan(nomor: $n, opd: DINAS_PU) "
                                      "{ status } }", n=number)
    await expect(row).to_have_attribute("data-status-aduan", "DIDISPOSISIKAN")
