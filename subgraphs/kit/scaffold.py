"""`splp subgraph new NAME`: a subgraph package an OPD fills in, with a test that already passes.

The package holds one table (`tables.py`), its entity and this OPD's fields of `Penduduk`
(`schema.py`) and the app (`app.py`); `tests/test_NAME.py` runs the schema on a SQLite file.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path

_FILES: dict[str, str] = {
    "{name}/__init__.py": '"""The {name} subgraph."""\n',
    "{name}/tables.py": '''"""The {name} tables: replace with yours, or reflect existing ones (docs/opd-guide.md)."""

from sqlalchemy import Column, Date, MetaData, String, Table

metadata = MetaData()

layanan = Table(
    "layanan", metadata,
    Column("nomor", String(20), primary_key=True),
    Column("nik_pemohon", String(16), nullable=False, index=True),
    Column("jenis", String(60), nullable=False),
    Column("diajukan", Date, nullable=False),
)
''',
    "{name}/schema.py": '''"""The {name} subgraph: its services, and the applications of each citizen."""

import strawberry

from subgraphs.kit import Ctx, create_schema, entity, has_many, penduduk, reference, rows
from {name} import tables


@entity(tables.layanan, key="nomor", hide=["nik_pemohon"], description="An application for a service")
class Layanan:
    pemohon = reference("Penduduk", "nik_pemohon")


@penduduk
class Penduduk:
    layanan = has_many(Layanan, "nik_pemohon", order_by=["-diajukan"], limit=20, nullable=True)


@strawberry.type
class Query:
    @strawberry.field
    async def layanan(self, info: Ctx, nomor: str) -> Layanan | None:
        return await rows(Layanan).get(info.context, nomor)


schema = create_schema(Query, types=[Penduduk])
''',
    "{name}/app.py": '''"""The {name} subgraph app: `splp subgraph serve {name}.app:create_app --database URL`."""

from starlette.applications import Starlette

from subgraphs.kit import create_subgraph_app
from {name}.schema import schema


def create_app(database_url: str) -> Starlette:
    return create_subgraph_app("{name}", schema, database_url=database_url)
''',
    "tests/test_{name}.py": '''"""The {name} subgraph answers from its tables, and extends Penduduk."""

import asyncio
from datetime import date
from pathlib import Path

from subgraphs.kit import SqlSource, SubgraphContext
from {name}.schema import schema
from {name}.tables import layanan, metadata

NIK = "7371041203800001"


async def _answer(url: str, query: str, **variables: object) -> dict:
    source = SqlSource(url)
    try:
        async with source.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.execute(layanan.insert(), [
                {{"nomor": "L-1", "nik_pemohon": NIK, "jenis": "Surat keterangan", "diajukan": date(2026, 1, 5)}},
                {{"nomor": "L-2", "nik_pemohon": NIK, "jenis": "Izin keramaian", "diajukan": date(2026, 2, 9)}},
            ])
        result = await schema.execute(query, variable_values=variables, context_value=SubgraphContext(sql=source))
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data
    finally:
        await source.dispose()


def test_a_citizen_lists_their_applications_latest_first(tmp_path: Path) -> None:
    query = ("query($r: [_Any!]!) {{ _entities(representations: $r) "
             "{{ ... on Penduduk {{ layanan {{ nomor jenis diajukan }} }} }} }}")
    data = asyncio.run(_answer(f"sqlite+aiosqlite:///{{tmp_path / 'db.sqlite'}}", query,
                               r=[{{"__typename": "Penduduk", "nik": NIK}}]))
    assert data == {{"_entities": [{{"layanan": [
        {{"nomor": "L-2", "jenis": "Izin keramaian", "diajukan": "2026-02-09"}},
        {{"nomor": "L-1", "jenis": "Surat keterangan", "diajukan": "2026-01-05"}},
    ]}}]}}
''',
}


class ScaffoldError(ValueError):
    """The package cannot be made (a bad name, or it exists already)."""


def scaffold(name: str, directory: Path) -> list[Path]:
    """Write the package `name` and its test under `directory`; the paths written."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or keyword.iskeyword(name):
        raise ScaffoldError(f"{name!r} is not a package name: lowercase letters, digits and _, e.g. perpustakaan")
    if name in ("subgraphs", "federation", "tests", "test"):
        raise ScaffoldError(f"{name!r} would shadow a package of SPLP itself; choose another name")
    package = directory / name
    if package.exists():
        raise ScaffoldError(f"{package} exists already; nothing written")
    paths = {directory / template.format(name=name): text.format(name=name) for template, text in _FILES.items()}
    for path in paths:
        if path.exists():
            raise ScaffoldError(f"{path} exists already; nothing written")
    for path, text in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return list(paths)


__all__ = ["ScaffoldError", "scaffold"]
