"""The OPD subgraph kit: shared data-standard scalars, SQL and REST sources, the subgraph app."""

from subgraphs.kit.app import create_schema, create_subgraph_app
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.entity import entity, has_many, page_field, reference, rows
from subgraphs.kit.extend import Ctx, extension, kartu_keluarga, kecamatan, penduduk
from subgraphs.kit.rest import RestSource, UpstreamError
from subgraphs.kit.rest_auth import ApiKey, Bearer, OAuth2ClientCredentials
from subgraphs.kit.rest_entity import Get, Post, rest_entity, rest_rows, rest_type
from subgraphs.kit.scalars import (
    NIB,
    NIK,
    NOP,
    NPWP,
    WITA,
    KodeWilayah,
    NomorKK,
    NomorTelepon,
    Rupiah,
    RupiahKoreksi,
    ScalarValueError,
    Tanggal,
    WaktuWITA,
)
from subgraphs.kit.sql import Page, SqlEntity, SqlSource
from subgraphs.kit.types import Connection

__all__ = [
    "NIB",
    "NIK",
    "NOP",
    "NPWP",
    "WITA",
    "ApiKey",
    "Bearer",
    "Connection",
    "Ctx",
    "Get",
    "KodeWilayah",
    "NomorKK",
    "NomorTelepon",
    "OAuth2ClientCredentials",
    "Page",
    "Post",
    "RestSource",
    "Rupiah",
    "RupiahKoreksi",
    "ScalarValueError",
    "SqlEntity",
    "SqlSource",
    "SubgraphContext",
    "Tanggal",
    "UpstreamError",
    "WaktuWITA",
    "create_schema",
    "create_subgraph_app",
    "entity",
    "extension",
    "has_many",
    "kartu_keluarga",
    "kecamatan",
    "page_field",
    "penduduk",
    "reference",
    "rest_entity",
    "rest_rows",
    "rest_type",
    "rows",
]
