"""The OPD subgraph kit: shared data-standard scalars, SQL and REST sources, the subgraph app."""

from subgraphs.kit.app import create_schema, create_subgraph_app
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.rest import RestSource, UpstreamError
from subgraphs.kit.scalars import (
    NIB,
    NIK,
    NOP,
    WITA,
    KodeWilayah,
    NomorKK,
    NomorTelepon,
    Rupiah,
    ScalarValueError,
    Tanggal,
    WaktuWITA,
)
from subgraphs.kit.sql import Page, SqlEntity, SqlSource

__all__ = [
    "NIB",
    "NIK",
    "NOP",
    "WITA",
    "KodeWilayah",
    "NomorKK",
    "NomorTelepon",
    "Page",
    "RestSource",
    "Rupiah",
    "ScalarValueError",
    "SqlEntity",
    "SqlSource",
    "SubgraphContext",
    "Tanggal",
    "UpstreamError",
    "WaktuWITA",
    "create_schema",
    "create_subgraph_app",
]
