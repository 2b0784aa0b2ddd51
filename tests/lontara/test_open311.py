"""Open311 GeoReport v2 at the gateway's /open311/v2, checked with a real HTTP client against the
field lists GeoReport v2 publishes (https://wiki.open311.org/GeoReport_v2)."""

from __future__ import annotations

from datetime import datetime, timedelta
from xml.etree import ElementTree

import httpx

from subgraphs.kit.principal import encode_principal
from subgraphs.kit.scalars import WITA
from tests.lontara.client import CITIZEN, STEPS
from tests.lontara.live import HEADER, Live

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


def base(live: Live) -> str:
    return live.gateways[0].replace("/graphql", "/open311/v2")


async def _post(http: httpx.AsyncClient, live: Live, **form: str) -> httpx.Response:
    return await http.post(f"{base(live)}/requests.json", data=form, headers={HEADER: encode_principal(CITIZEN)})


async def test_services_list_the_categories_with_their_attributes(live: Live) -> None:
    async with httpx.AsyncClient() as http:
        services = (await http.get(f"{base(live)}/services.json")).json()
        definition = (await http.get(f"{base(live)}/services/SAMPAH.json")).json()
        xml = await http.get(f"{base(live)}/services.xml")
    assert {s["service_code"] for s in services} >= {"SAMPAH", "PENERANGAN_JALAN", "DRAINASE"}
    assert all(set(s) == SERVICE_FIELDS for s in services)
    assert definition["service_code"] == "SAMPAH"
    assert all(set(a) >= ATTRIBUTE_FIELDS for a in definition["attributes"])
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "services" and len(root.findall("service/service_code")) == len(services)


async def test_a_request_posted_is_read_back_with_the_georeport_fields(live: Live) -> None:
    async with httpx.AsyncClient() as http:
        posted = await _post(http, live, service_code="PENERANGAN_JALAN", lat="-5.1477", long="119.4327",
                             description="Lampu jalan padam sepanjang Jl. Penghibur",
                             address_string="Jl. Penghibur, Losari", media_url="https://example.org/lampu.jpg")
        assert posted.status_code == 201, posted.text
        created = posted.json()[0]
        nomor = created["service_request_id"]
        one = (await http.get(f"{base(live)}/requests/{nomor}.json")).json()[0]
        since = (datetime.now(WITA) - timedelta(hours=1)).isoformat()
        listed = (await http.get(f"{base(live)}/requests.json", params={
            "service_code": "PENERANGAN_JALAN", "status": "open", "start_date": since})).json()
        closed = (await http.get(f"{base(live)}/requests.json", params={"status": "closed",
                                                                         "start_date": since})).json()
        xml = ElementTree.fromstring((await http.get(f"{base(live)}/requests/{nomor}.xml")).content)
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert set(one) == REQUEST_FIELDS
    assert one["status"] == "open" and one["lat"] == -5.1477 and one["long"] == 119.4327
    assert one["media_url"] == "https://example.org/lampu.jpg" and one["expected_datetime"]
    assert nomor in {r["service_request_id"] for r in listed}
    assert nomor not in {r["service_request_id"] for r in closed}
    assert xml.tag == "service_requests" and xml.findtext("request/service_request_id") == nomor


async def test_the_agency_responsible_is_the_opd_it_went_to(live: Live) -> None:
    async with httpx.AsyncClient() as http:
        nomor = (await _post(http, live, service_code="SAMPAH", address_string="Pasar Terong")).json()[0][
            "service_request_id"]
        for step in ["verifikasi", "disposisi"]:
            text, who = STEPS[step]
            await live.post(0, f"mutation($nomor: String!, $kunci: String) {{ {text} {{ status }} }}", who,
                            nomor=nomor, kunci=None)
        answer = await http.get(f"{base(live)}/requests/{nomor}.json")
    assert answer.status_code == 200, answer.text
    assert answer.json()[0]["agency_responsible"] == "DINAS_PU"


async def test_confidential_reports_are_not_published(live: Live) -> None:
    async with httpx.AsyncClient() as http:
        nomor = (await _post(http, live, service_code="LAINNYA", address_string="Rahasia",
                             **{"attribute[rahasia]": "true"})).json()[0]["service_request_id"]
        hidden = await http.get(f"{base(live)}/requests/{nomor}.json")
        listed = (await http.get(f"{base(live)}/requests.json", params={"service_code": "LAINNYA"})).json()
    assert hidden.status_code == 404
    assert nomor not in {r["service_request_id"] for r in listed}


async def test_errors_are_georeport_errors(live: Live) -> None:
    async with httpx.AsyncClient() as http:
        unknown = await http.get(f"{base(live)}/services/NOPE.json")
        anonymous = await http.post(f"{base(live)}/requests.json", data={"service_code": "SAMPAH",
                                                                         "address_string": "x"})
        bad_date = await http.get(f"{base(live)}/requests.xml", params={"start_date": "kemarin"})
        outside = await _post(http, live, service_code="SAMPAH", lat="-6.2", long="106.8")
    assert unknown.status_code == 404 and set(unknown.json()[0]) == {"code", "description"}
    assert anonymous.status_code == 401
    assert bad_date.status_code == 400 and ElementTree.fromstring(bad_date.content).tag == "errors"
    assert outside.status_code == 400 and "outside Kota Makassar" in outside.json()[0]["description"]
