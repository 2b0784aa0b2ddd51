"""Open311 GeoReport v2 at /open311/v2, mapped onto Lontara Plus through the gateway.

| GeoReport v2                         | Lontara Plus                                               |
| ------------------------------------ | ---------------------------------------------------------- |
| service (`service_code`)             | a complaint category (`KategoriAduan`)                     |
| service request (`service_request_id`)| a complaint (`nomor`)                                     |
| `status` open / closed               | a state with a running clock / SELESAI, DIKONFIRMASI, DITOLAK |
| `agency_responsible`                 | the OPD it was dispatched to                               |
| `expected_datetime`                  | the current state's deadline                               |
| `lat`, `long`, `media_url`           | `lintang`, `bujur`, the first photo                        |
| `status_notes`                       | the reason of a refusal                                    |

Every list is the public one (`aduanPublik`: no confidential report, never who filed it);
`POST requests.json` files a complaint as the caller (their token, as for GraphQL). JSON or XML
by the extension; errors are GeoReport's `[{"code", "description"}]`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final
from urllib.parse import parse_qsl
from xml.etree import ElementTree

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from federation.gateway import Gateway, GraphQLRequest, RequestError

# Names of the categories as the city's app shows them.
SERVICES: Final = {
    "JALAN_RUSAK": ("Jalan rusak", "Jalan berlubang, aspal rusak", "infrastruktur"),
    "SAMPAH": ("Sampah", "Sampah belum diangkut, TPS liar", "lingkungan"),
    "BANJIR": ("Banjir", "Genangan dan banjir", "kedaruratan"),
    "DRAINASE": ("Drainase", "Saluran air tersumbat atau rusak", "infrastruktur"),
    "PENERANGAN_JALAN": ("Penerangan jalan", "Lampu jalan padam atau rusak", "infrastruktur"),
    "ADMINISTRASI_KEPENDUDUKAN": ("Administrasi kependudukan", "KTP-el, KK, akta", "layanan"),
    "PELAYANAN_KESEHATAN": ("Pelayanan kesehatan", "Puskesmas dan rumah sakit daerah", "layanan"),
    "BANTUAN_SOSIAL": ("Bantuan sosial", "Penyaluran bantuan", "layanan"),
    "PERIZINAN": ("Perizinan", "Permohonan izin", "layanan"),
    "LAINNYA": ("Lainnya", "Pengaduan lainnya", "lainnya"),
}
CLOSED: Final = frozenset({"SELESAI", "DIKONFIRMASI", "DITOLAK"})
MAX_PAGE: Final = 100
FIELDS: Final = """nomor kategori status opdTujuan lokasi kodeKelurahan lintang bujur deskripsi fotoUrl
                   alasanPenolakan diterima diperbarui batasWaktu"""
LIST: Final = f"""query($kategori: KategoriAduan, $terbuka: Boolean, $dari: WaktuWITA, $sampai: WaktuWITA,
                          $first: Int!, $after: String) {{
  aduanPublik(kategori: $kategori, terbuka: $terbuka, dari: $dari, sampai: $sampai, first: $first, after: $after)
  {{ nodes {{ {FIELDS} rahasia }} }} }}"""
ONE: Final = f"query($nomor: String!) {{ aduan(nomor: $nomor) {{ {FIELDS} rahasia }} }}"
FILE: Final = "mutation($a: AduanBaru!) { ajukanAduan(aduan: $a) { nomor batasWaktu } }"
ATTRIBUTES: Final = [
    {
        "variable": True,
        "code": "rahasia",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "Laporan rahasia: identitas pelapor hanya untuk meja aduan",
        "order": 1,
        "description": "Rahasiakan identitas saya",
        "values": [{"key": "true", "name": "Ya"}, {"key": "false", "name": "Tidak"}],
    },
    {
        "variable": True,
        "code": "kode_kelurahan",
        "datatype": "string",
        "required": False,
        "datatype_description": "Kode kelurahan Kemendagri, mis. 73.71.13.1010",
        "order": 2,
        "description": "Kelurahan",
        "values": [],
    },
]


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        self.code = code
        self.description = description
        super().__init__(description)


def _format(name: str) -> tuple[str, str]:
    match = re.fullmatch(r"(.+)\.(json|xml)", name)
    if match is None:
        raise Open311Error(404, "Use .json or .xml")
    return match.group(1), match.group(2)


def _xml(root: str, item: str, rows: list[dict[str, Any]]) -> bytes:
    top = ElementTree.Element(root)
    for row in rows:
        _element(top, item, row)
    text: bytes = ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)
    return text


def _element(parent: ElementTree.Element, name: str, value: Any) -> None:
    node = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, list):
                group = ElementTree.SubElement(node, key)
                for entry in inner:
                    _element(group, key.rstrip("s") or key, entry)
            else:
                _element(node, key, inner)
    elif value is not None:
        node.text = str(value).lower() if isinstance(value, bool) else str(value)


def _reply(kind: str, root: str, item: str, rows: list[dict[str, Any]], status: int = 200) -> Response:
    if kind == "xml":
        return Response(_xml(root, item, rows), status, media_type="text/xml; charset=utf-8")
    return Response(orjson.dumps(rows), status, media_type="application/json; charset=utf-8")


def _request(row: dict[str, Any]) -> dict[str, Any]:
    code = row["kategori"]
    return {
        "service_request_id": row["nomor"],
        "status": "closed" if row["status"] in CLOSED else "open",
        "status_notes": row["alasanPenolakan"],
        "service_name": SERVICES.get(code, (code,))[0],
        "service_code": code,
        "description": row["deskripsi"],
        "agency_responsible": row["opdTujuan"],
        "service_notice": None,
        "requested_datetime": row["diterima"],
        "updated_datetime": row["diperbarui"],
        "expected_datetime": row["batasWaktu"],
        "address": row["lokasi"],
        "address_id": None,
        "zipcode": None,
        "lat": row["lintang"],
        "long": row["bujur"],
        "media_url": row["fotoUrl"],
    }


def _date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C datetime, e.g. 2026-06-01T00:00:00+08:00") from None
    if parsed.tzinfo is None:
        raise Open311Error(400, f"{name} needs a time zone, e.g. +08:00")
    return parsed.isoformat()


def open311_app(gateway: Gateway) -> Starlette:
    async def run(query: str, variables: dict[str, Any], request: Request) -> dict[str, Any]:
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            result = await gateway.execute(GraphQLRequest(query=query, variables=variables, headers=headers))
        except RequestError as e:
            raise Open311Error(e.status, "; ".join(str(x.get("message")) for x in e.errors)) from None
        errors = result.get("errors") or []
        if errors:
            first = errors[0]
            code = str((first.get("extensions") or {}).get("code"))
            status = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404}.get(code, 400)
            raise Open311Error(status, str(first.get("message")))
        data: dict[str, Any] = result.get("data") or {}
        return data

    async def services(request: Request) -> Response:
        _, kind = _format(request.path_params["name"])
        rows = [
            {
                "service_code": code,
                "service_name": name,
                "description": about,
                "metadata": True,
                "type": "realtime",
                "keywords": code.lower().replace("_", ","),
                "group": group,
            }
            for code, (name, about, group) in SERVICES.items()
        ]
        return _reply(kind, "services", "service", rows)

    async def service(request: Request) -> Response:
        code, kind = _format(request.path_params["name"])
        if code not in SERVICES:
            raise Open311Error(404, f"No service {code}")
        definition = {"service_code": code, "attributes": ATTRIBUTES}
        if kind == "xml":
            top = ElementTree.Element("service_definition")
            ElementTree.SubElement(top, "service_code").text = code
            attributes = ElementTree.SubElement(top, "attributes")
            for attribute in ATTRIBUTES:
                _element(attributes, "attribute", attribute)
            body: bytes = ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)
            return Response(body, media_type="text/xml; charset=utf-8")
        return Response(orjson.dumps(definition), media_type="application/json; charset=utf-8")

    async def requests(request: Request) -> Response:
        _, kind = _format(request.path_params["name"])
        if request.method == "POST":
            return await create(request, kind)
        params = request.query_params
        code = params.get("service_code")
        if code is not None and code not in SERVICES:
            raise Open311Error(400, f"No service {code}")
        status = params.get("status")
        if status not in (None, "open", "closed"):
            raise Open311Error(400, "status is open or closed")
        data = await run(
            LIST,
            {
                "kategori": code,
                "terbuka": None if status is None else status == "open",
                "dari": _date(params.get("start_date"), "start_date"),
                "sampai": _date(params.get("end_date"), "end_date"),
                "first": MAX_PAGE,
                "after": None,
            },
            request,
        )
        rows = [_request(r) for r in data["aduanPublik"]["nodes"]]
        return _reply(kind, "service_requests", "request", rows)

    async def one(request: Request) -> Response:
        nomor, kind = _format(request.path_params["name"])
        data = await run(ONE, {"nomor": nomor[:40]}, request)
        row = data.get("aduan")
        if row is None or row["rahasia"]:
            raise Open311Error(404, f"No service request {nomor}")
        return _reply(kind, "service_requests", "request", [_request(row)])

    async def create(request: Request, kind: str) -> Response:
        body = (await request.body())[:100_000].decode("utf-8", "replace")
        form = dict(parse_qsl(body, keep_blank_values=True))
        code = form.get("service_code")
        if code not in SERVICES:
            raise Open311Error(400, "service_code is required and must be one of services.json")
        attributes = {k[len("attribute[") : -1]: v for k, v in form.items() if k.startswith("attribute[")}
        try:
            lat = float(form["lat"]) if form.get("lat") else None
            lon = float(form["long"]) if form.get("long") else None
        except ValueError:
            raise Open311Error(400, "lat and long are decimal degrees") from None
        address = form.get("address_string") or (f"{lat}, {lon}" if lat is not None else None)
        if address is None:
            raise Open311Error(400, "a location is required: lat & long or address_string")
        new: dict[str, Any] = {
            "kategori": code,
            "lokasi": address,
            "deskripsi": form.get("description") or SERVICES[code][0],
            "lintang": lat,
            "bujur": lon,
            "rahasia": attributes.get("rahasia") == "true",
        }
        if form.get("media_url"):
            new["fotoUrl"] = form["media_url"]
        if attributes.get("kode_kelurahan"):
            new["kodeKelurahan"] = attributes["kode_kelurahan"]
        if form.get("phone"):
            new["teleponPelapor"] = form["phone"]
        data = await run(FILE, {"a": new}, request)
        filed = data["ajukanAduan"]
        row = {
            "service_request_id": filed["nomor"],
            "service_notice": f"Tenggat verifikasi {filed['batasWaktu']}",
            "account_id": None,
        }
        return _reply(kind, "service_requests", "request", [row], 201)

    async def failed(request: Request, error: Exception) -> Response:
        assert isinstance(error, Open311Error)
        kind = "xml" if request.url.path.endswith(".xml") else "json"
        return _reply(kind, "errors", "error", [{"code": error.code, "description": error.description}], error.code)

    async def top(request: Request) -> Response:
        stem, _ = _format(request.path_params["name"])
        if stem == "services" and request.method == "GET":
            return await services(request)
        if stem == "requests":
            return await requests(request)
        raise Open311Error(404, "GeoReport v2 serves services and requests")

    return Starlette(
        routes=[
            Route("/{name:str}", top, methods=["GET", "POST"]),
            Route("/services/{name:str}", service, methods=["GET"]),
            Route("/requests/{name:str}", one, methods=["GET"]),
        ],
        exception_handlers={Open311Error: failed},
    )
