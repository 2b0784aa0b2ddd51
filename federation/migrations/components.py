"""The tables SPLP owns, grouped in components, each with its own migrations and version table.

A component's tables may share a database with other components (the seed puts every OPD in
one SQLite file; the registry may live beside other services), so each component keeps its
revision in its own version table and upgrades on its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Component:
    name: str
    script_location: str  # alembic's "package:directory" of the migrations (versions/ inside)
    version_table: str
    metadata: str  # "module:attribute" of the MetaData the migrations build
    owner: str  # who runs it: the service that creates it on start, or the seed


COMPONENTS: dict[str, Component] = {
    c.name: c
    for c in (
        Component("registry", "federation.registry:migrations", "registry_alembic_version",
                  "federation.registry.tables:metadata", "splp registry serve"),
        Component("trail", "federation.trail:migrations", "splp_trail_alembic_version",
                  "federation.trail.store:metadata", "splp gateway (access trail)"),
        Component("aduan", "subgraphs.aduan:migrations", "aduan_alembic_version",
                  "subgraphs.aduan.tables:metadata", "splp subgraph serve aduan"),
        Component("kependudukan", "subgraphs.kependudukan:migrations", "kependudukan_alembic_version",
                  "subgraphs.kependudukan.tables:metadata", "splp seed"),
        Component("pendapatan", "subgraphs.pendapatan:migrations", "pendapatan_alembic_version",
                  "subgraphs.pendapatan.tables:metadata", "splp seed"),
        Component("kesehatan", "subgraphs.kesehatan:migrations", "kesehatan_alembic_version",
                  "subgraphs.kesehatan.tables:metadata", "splp seed"),
        Component("sosial", "subgraphs.sosial:migrations", "sosial_alembic_version",
                  "subgraphs.sosial.tables:metadata", "splp seed"),
        Component("bpjs", "subgraphs.standins:migrations/bpjs", "bpjs_alembic_version",
                  "subgraphs.standins.tables:bpjs_metadata", "splp seed (stand-in)"),
        Component("perizinan", "subgraphs.standins:migrations/perizinan", "perizinan_alembic_version",
                  "subgraphs.standins.tables:perizinan_metadata", "splp seed (stand-in)"),
    )
}


def component(name: str) -> Component:
    try:
        return COMPONENTS[name]
    except KeyError:
        raise ValueError(f"unknown schema component {name!r}; known: {', '.join(COMPONENTS)}") from None
