"""Photos by signed upload URL: only the complainant or the assigned officer gets one, it works
once, and only a real JPEG, PNG or WebP of at most 5 MB is kept."""

from __future__ import annotations

import httpx

from tests.lontara.client import CITIZEN, DESK, OTHER_CITIZEN, PETUGAS_PU, AduanClient

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ASK = "mutation($n: String!) { mintaUnggahFoto(nomor: $n) { url kedaluwarsa } }"


async def _url(client: AduanClient, nomor: str, who: object = CITIZEN) -> str:
    url: str = (await client.run(ASK, who, n=nomor))["mintaUnggahFoto"]["url"]  # type: ignore[arg-type]
    return url


async def test_a_photo_uploaded_by_its_url_joins_the_handling(aduan_sqlite: AduanClient) -> None:
    nomor = (await aduan_sqlite.file())["nomor"]
    await aduan_sqlite.walk(nomor, ["verifikasi", "disposisi", "tugaskan"])
    async with httpx.AsyncClient() as http:
        stored = await http.put(await _url(aduan_sqlite, nomor, PETUGAS_PU), content=PNG,
                                headers={"content-type": "image/png"})
        assert stored.status_code == 201, stored.text
        photo = stored.json()["url"]
        served = await http.get(photo)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png" and served.content == PNG
    handled = await aduan_sqlite.run('mutation($n: String!, $f: [String!]) { tanganiAduan(nomor: $n, catatan: "Foto", '
                                     "foto: $f) { foto } }", PETUGAS_PU, n=nomor, f=[photo])
    assert photo in handled["tanganiAduan"]["foto"]


async def test_only_the_complainant_or_the_assigned_officer_may_upload(aduan_sqlite: AduanClient) -> None:
    nomor = (await aduan_sqlite.file())["nomor"]
    for caller in [OTHER_CITIZEN, DESK, PETUGAS_PU]:
        errors = await aduan_sqlite.errors(ASK, caller, n=nomor)
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_upload_url_works_once_and_takes_images_only(aduan_sqlite: AduanClient) -> None:
    nomor = (await aduan_sqlite.file())["nomor"]
    async with httpx.AsyncClient() as http:
        url = await _url(aduan_sqlite, nomor)
        not_image = await http.put(url, content=b"<script>alert(1)</script>", headers={"content-type": "image/png"})
        url = await _url(aduan_sqlite, nomor)
        first = await http.put(url, content=PNG)
        again = await http.put(url, content=PNG)
        too_big = await http.put(await _url(aduan_sqlite, nomor), content=PNG + b"\x00" * (5 * 1024 * 1024))
        forged = await http.put(url.rsplit("/", 1)[0] + "/bm90LWEtdG9rZW4=", content=PNG)
    assert not_image.status_code == 415
    assert first.status_code == 201 and again.status_code == 403
    assert too_big.status_code == 413
    assert forged.status_code == 403


async def test_a_citizen_uploads_the_photo_before_filing_and_the_complaint_carries_it(
    aduan_sqlite: AduanClient,
) -> None:
    ask = "mutation { mintaUnggahFoto { url } }"
    url = (await aduan_sqlite.run(ask, CITIZEN))["mintaUnggahFoto"]["url"]
    async with httpx.AsyncClient() as http:
        stored = await http.put(url, content=PNG, headers={"content-type": "image/png"})
    assert stored.status_code == 201, stored.text
    photo = stored.json()["url"]
    filed = await aduan_sqlite.file(fields="nomor foto", foto=[photo])
    assert filed["foto"] == [photo]
    for caller in [DESK, PETUGAS_PU]:  # without a number, only a citizen filing gets one
        errors = await aduan_sqlite.errors(ask, caller)
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
