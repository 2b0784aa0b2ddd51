"""Lontara Plus steps: who may take each one, what it records, and that it happens once."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from subgraphs.aduan import tables
from subgraphs.kit.principal import Principal
from subgraphs.kit.scalars import WITA
from subgraphs.kit.sql import create_engine
from tests.lontara.client import (
    ANON,
    BEFORE,
    CITIZEN,
    DESK,
    EVERYONE,
    KOORDINATOR_DLH,
    KOORDINATOR_PU,
    OTHER_CITIZEN,
    PETUGAS_PU,
    PETUGAS_PU_2,
    STEPS,
    AduanClient,
    GraphQLErrors,
)
from tests.subgraphs import world as w


async def test_a_complaint_goes_from_the_citizen_to_the_field_officer_and_back(aduan: AduanClient) -> None:
    filed = await aduan.file()
    nomor = filed["nomor"]
    assert filed["status"] == "DITERIMA" and filed["nikPelapor"] == w.HASNAH and filed["batasWaktu"] is not None
    for step in ["verifikasi", "disposisi", "tugaskan", "tangani", "selesaikan"]:
        moved = await aduan.step(nomor, step)
    assert moved["status"] == "SELESAI" and moved["petugas"] == "Irfan Hakim"
    done = await aduan.step(nomor, "konfirmasi", fields="status penilaian ulasan foto "
                                                       "riwayat { langkah status petugas peran catatan }")
    assert done["status"] == "DIKONFIRMASI" and done["penilaian"] == 5 and done["ulasan"] == "Cepat"
    assert done["foto"] == ["https://example.org/lubang.jpg", "https://example.org/t.jpg"]
    assert [(e["langkah"], e["status"], e["petugas"], e["peran"]) for e in done["riwayat"]] == [
        ("ajukan", "DITERIMA", "Lontara Plus", "warga"),
        ("verifikasi", "DIVERIFIKASI", "Nurul Hidayah", "meja_aduan"),
        ("disposisi", "DIDISPOSISIKAN", "Nurul Hidayah", "meja_aduan"),
        ("tugaskan", "DITUGASKAN", "Syamsul Bahri", "koordinator"),
        ("tangani", "DITANGANI", "Irfan Hakim", "petugas_lapangan"),
        ("selesaikan", "SELESAI", "Irfan Hakim", "petugas_lapangan"),
        ("konfirmasi", "DIKONFIRMASI", "Hasnah", "warga"),
    ]


async def test_each_state_records_its_deadline_and_when_it_ended(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    moved = await aduan.step(nomor, "verifikasi")
    first, second = moved["riwayat"]
    assert first["batasWaktu"] is not None and first["berakhir"] is not None
    assert second["berakhir"] is None and second["batasWaktu"] == moved["batasWaktu"]


@pytest.mark.parametrize("step", list(STEPS))
async def test_every_step_is_refused_to_every_other_role(aduan_sqlite: AduanClient, step: str) -> None:
    nomor = (await aduan_sqlite.file())["nomor"]
    await aduan_sqlite.walk(nomor, BEFORE[step])
    before = await aduan_sqlite.read(nomor)
    allowed = STEPS[step][1]
    for caller in EVERYONE:
        if caller.role == allowed.role and caller.subject == allowed.subject:
            continue
        code = (await aduan_sqlite.refused(nomor, step, caller))["code"]
        assert code == ("UNAUTHENTICATED" if caller is ANON else "FORBIDDEN"), (step, caller)
    assert await aduan_sqlite.read(nomor) == before
    assert (await aduan_sqlite.step(nomor, step))["status"]


async def test_a_coordinator_of_another_opd_cannot_assign_nor_send_back(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    await aduan.walk(nomor, ["verifikasi", "disposisi"])
    for step in ["tugaskan", "kembalikan"]:
        refused = await aduan.refused(nomor, step, KOORDINATOR_DLH)
        assert refused == {"code": "FORBIDDEN", "opd": "DLH"}


async def test_a_coordinator_assigns_only_officers_of_the_opd(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    await aduan.walk(nomor, ["verifikasi", "disposisi"])
    errors = await aduan.errors('mutation($n: String!) { tugaskanPetugas(nomor: $n, petugas: "ptg-dlh-1") '
                                "{ status } }", KOORDINATOR_PU, n=nomor)
    assert errors[0]["extensions"] == {"code": "UNKNOWN_PETUGAS", "petugas": "ptg-dlh-1"}


async def test_a_misrouted_complaint_goes_back_to_the_desk_for_another_opd(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    await aduan.walk(nomor, ["verifikasi", "disposisi"])
    back = await aduan.step(nomor, "kembalikan")
    assert back["status"] == "DIVERIFIKASI" and back["opdTujuan"] is None
    assert (await aduan.read(nomor, DESK))["riwayat"][-1]["catatan"] == "Bukan kewenangan PU"
    again = await aduan.run('mutation($n: String!) { disposisikanAduan(nomor: $n, opd: DLH) { status opdTujuan } }',
                            DESK, n=nomor)
    assert again["disposisikanAduan"] == {"status": "DIDISPOSISIKAN", "opdTujuan": "DLH"}


async def test_only_the_assigned_officer_records_the_handling(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    await aduan.walk(nomor, ["verifikasi", "disposisi", "tugaskan"])
    assert await aduan.refused(nomor, "tangani", PETUGAS_PU_2) == {"code": "FORBIDDEN"}
    handled = await aduan.step(nomor, "tangani", fields="status riwayat { langkah petugas foto lintang bujur }")
    assert handled["riwayat"][-1] == {"langkah": "tangani", "petugas": "Irfan Hakim",
                                      "foto": ["https://example.org/t.jpg"], "lintang": -5.162, "bujur": 119.44}


async def test_only_the_complainant_confirms_and_only_within_the_window(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    await aduan.walk(nomor, BEFORE["konfirmasi"])
    assert await aduan.refused(nomor, "konfirmasi", OTHER_CITIZEN) == {"code": "FORBIDDEN"}
    engine = create_engine(aduan.database_url)
    async with engine.begin() as connection:  # eight days pass
        await connection.execute(update(tables.aduan).where(tables.aduan.c.nomor == nomor).values(
            langkah_mulai=datetime.now(UTC).replace(tzinfo=None) - timedelta(days=8)))
    await engine.dispose()
    assert await aduan.refused(nomor, "bukaKembali", CITIZEN) == {"code": "WINDOW_CLOSED", "nomor": nomor}


async def test_a_reopened_complaint_returns_to_its_officer(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    await aduan.walk(nomor, BEFORE["bukaKembali"])
    reopened = await aduan.step(nomor, "bukaKembali")
    assert reopened["status"] == "DITUGASKAN" and reopened["petugas"] == "Irfan Hakim"
    assert (await aduan.step(nomor, "tangani"))["status"] == "DITANGANI"


async def test_a_step_from_the_wrong_state_says_which_steps_are_possible(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    refused = await aduan.refused(nomor, "selesaikan", PETUGAS_PU)
    assert refused["code"] == "FORBIDDEN"  # not assigned to anyone yet: the officer has no say
    errors = await aduan.errors(aduan.step_query("disposisi", "status"), DESK, nomor=nomor, kunci=None)
    assert errors[0]["extensions"] == {"code": "INVALID_TRANSITION", "nomor": nomor, "dari": "DITERIMA",
                                       "langkah": "disposisi", "diizinkan": ["tolak", "verifikasi"]}


async def test_a_retry_with_the_same_key_does_not_repeat_the_step(aduan: AduanClient) -> None:
    first = await aduan.file(kunci="hp-123-1")
    retried = await aduan.file(kunci="hp-123-1")
    assert retried["nomor"] == first["nomor"]
    nomor = first["nomor"]
    once = await aduan.step(nomor, "verifikasi", kunci="meja-7")
    twice = await aduan.step(nomor, "verifikasi", kunci="meja-7")
    assert once == twice and [e["langkah"] for e in twice["riwayat"]] == ["ajukan", "verifikasi"]


async def test_the_idempotency_key_header_works_like_the_argument(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    query = aduan.step_query("verifikasi", "status riwayat { langkah }")
    for _ in range(2):
        body = await aduan.post(query, DESK, {"Idempotency-Key": f"hdr-{nomor}"}, nomor=nomor, kunci=None)
    assert "errors" not in body
    assert [e["langkah"] for e in body["data"]["moved"]["riwayat"]] == ["ajukan", "verifikasi"]


async def test_a_key_reused_for_another_step_is_refused(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    await aduan.step(nomor, "verifikasi", kunci=f"k-{nomor}")
    errors = await aduan.errors(aduan.step_query("disposisi", "status"), DESK, nomor=nomor, kunci=f"k-{nomor}")
    assert errors[0]["extensions"] == {"code": "IDEMPOTENCY_KEY_REUSED"}


async def test_of_concurrent_steps_on_one_complaint_exactly_one_wins(aduan_server: AduanClient) -> None:
    nomor = (await aduan_server.file())["nomor"]
    await aduan_server.walk(nomor, ["verifikasi"])
    # Dispatching and refusing exclude each other (and neither repeats): whichever commits first,
    # every other must fail.
    steps = ["disposisi", "tolak"] * 5
    answers = await asyncio.gather(*(aduan_server.post(aduan_server.step_query(s, "status"), DESK,
                                                       nomor=nomor, kunci=None) for s in steps))
    won = [a["data"]["moved"]["status"] for a in answers if not a.get("errors")]
    lost = {a["errors"][0]["extensions"]["code"] for a in answers if a.get("errors")}
    assert len(won) == 1 and lost <= {"CONFLICT", "INVALID_TRANSITION"}, answers
    seen = await aduan_server.read(nomor)
    assert seen["status"] == won[0]
    assert [e["langkah"] for e in seen["riwayat"]][2:] == [{"DITOLAK": "tolak"}.get(won[0], "disposisi")]
    assert [e["berakhir"] is None for e in seen["riwayat"]] == [False, False, True]


async def test_concurrent_retries_with_one_key_take_the_step_once(aduan_server: AduanClient) -> None:
    nomor = (await aduan_server.file())["nomor"]
    answers = await asyncio.gather(*(aduan_server.post(aduan_server.step_query("verifikasi", "status"), DESK,
                                                       nomor=nomor, kunci=f"same-{nomor}") for _ in range(6)))
    assert all(not a.get("errors") for a in answers), answers
    assert [e["langkah"] for e in (await aduan_server.read(nomor))["riwayat"]] == ["ajukan", "verifikasi"]


async def test_a_complaint_from_a_nik_the_registry_does_not_know_is_answered_with_its_number(
    aduan: AduanClient,
) -> None:
    stranger = Principal(subject="warga-baru", role="warga", nik="7371016501990009", name="Pendatang")
    body = await aduan.post("mutation($a: AduanBaru!) { ajukanAduan(aduan: $a) { nomor status } }", stranger,
                            a={"kategori": "SAMPAH", "lokasi": "Jl. Somba Opu", "deskripsi": "Sampah menumpuk"})
    assert "errors" not in body and body["data"]["ajukanAduan"]["status"] == "DITERIMA"


async def test_numbers_carry_the_wita_date_and_an_unguessable_suffix(aduan: AduanClient) -> None:
    before = datetime.now(WITA).strftime("%Y%m%d")
    numbers = [(await aduan.file(fields="nomor"))["nomor"] for _ in range(3)]
    after = datetime.now(WITA).strftime("%Y%m%d")
    for nomor in numbers:
        assert re.fullmatch(r"ADU-(\d{8})-[A-HJ-NP-Z2-9]{10}", nomor)
        assert nomor[4:12] in (before, after)
    assert len(set(numbers)) == 3


@pytest.mark.parametrize(("change", "code"), [
    ({"lokasi": "x" * 201}, "BAD_USER_INPUT"),
    ({"deskripsi": "x" * 2001}, "BAD_USER_INPUT"),
    ({"deskripsi": "   "}, "BAD_USER_INPUT"),
    ({"lintang": -6.2, "bujur": 106.8}, "OUTSIDE_MAKASSAR"),  # Jakarta
    ({"lintang": -5.15, "bujur": None}, "BAD_USER_INPUT"),
    ({"kodeKelurahan": "73.71.99.1001"}, "UNKNOWN_KELURAHAN"),
    ({"foto": ["javascript:alert(1)"]}, "BAD_USER_INPUT"),
    ({"foto": ["https://example.org/a.jpg"] * 11}, "BAD_USER_INPUT"),
])
async def test_bad_input_is_a_clear_error(aduan_sqlite: AduanClient, change: dict[str, object], code: str) -> None:
    with pytest.raises(GraphQLErrors) as refused:
        await aduan_sqlite.file(**change)
    assert refused.value.errors[0]["extensions"]["code"] == code


async def test_notes_are_limited_in_length(aduan_sqlite: AduanClient) -> None:
    nomor = (await aduan_sqlite.file())["nomor"]
    errors = await aduan_sqlite.errors('mutation($n: String!, $c: String) { verifikasiAduan(nomor: $n, catatan: $c) '
                                       "{ status } }", DESK, n=nomor, c="x" * 1001)
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "catatan", "batas": 1000}


async def test_a_confidential_complainant_is_known_to_the_desk_only(aduan: AduanClient) -> None:
    nomor = (await aduan.file(rahasia=True))["nomor"]
    await aduan.walk(nomor, ["verifikasi", "disposisi", "tugaskan"])
    identity = "nikPelapor teleponPelapor pelapor { nik } rahasia"
    assert (await aduan.read(nomor, DESK, identity))["nikPelapor"] == w.HASNAH
    assert (await aduan.read(nomor, CITIZEN, identity))["nikPelapor"] == w.HASNAH
    for caller in [KOORDINATOR_PU, PETUGAS_PU, OTHER_CITIZEN, ANON]:
        assert await aduan.read(nomor, caller, identity) == {"nikPelapor": None, "teleponPelapor": None,
                                                             "pelapor": None, "rahasia": True}


async def test_the_public_sees_that_steps_happened_not_who_took_them(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    await aduan.step(nomor, "verifikasi")
    seen = await aduan.read(nomor, ANON, "status nikPelapor riwayat { langkah petugas }")
    assert seen == {"status": "DIVERIFIKASI", "nikPelapor": None,
                    "riwayat": [{"langkah": "ajukan", "petugas": "Lontara Plus"},
                                {"langkah": "verifikasi", "petugas": "Lontara Plus"}]}


async def test_a_citizen_files_only_in_their_own_name(aduan: AduanClient) -> None:
    with pytest.raises(GraphQLErrors) as refused:
        await aduan.file(nikPelapor=w.HEAD)
    assert refused.value.errors[0]["extensions"] == {"code": "FORBIDDEN", "field": "nikPelapor"}
    by_phone = await aduan.file(DESK, nikPelapor=w.HEAD)
    assert by_phone["nikPelapor"] == w.HEAD
