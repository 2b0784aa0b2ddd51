"""Who may see and do what with a complaint, from the principal the gateway sends.

- The desk (meja_aduan), the city (admin_kota) and the data-protection officer see every complaint.
- An OPD's staff (koordinator, operator, kepala_opd) see the complaints dispatched to their OPD; a
  field officer sees those assigned to them; a citizen sees their own.
- The complainant's identity (NIK, phone, the link to Penduduk) is personal data: the citizen
  themself, the desk, and — unless the report is confidential — the OPD staff handling it.
  Anyone else reads it as null.
- Anyone holding a complaint's number (unguessable) may follow its public part: category, status,
  deadlines, the place; as Open311 publishes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from graphql import GraphQLError
from sqlalchemy import ColumnElement, false, true

from subgraphs.aduan import tables
from subgraphs.aduan.workflow import opd_of_claim
from subgraphs.kit.principal import ANONYMOUS, Principal, PrincipalError, principal_from_headers

CITY_WIDE: Final = frozenset({"meja_aduan", "admin_kota", "dpo"})
OPD_STAFF: Final = frozenset({"koordinator", "operator", "kepala_opd"})


def principal_of(context: Any) -> Principal:
    """The request's principal (a websocket's context carries it already decoded)."""
    found = getattr(context, "principal", None)
    if isinstance(found, Principal):
        return found
    request = getattr(context, "request", None)
    if request is None:
        return ANONYMOUS
    try:
        return principal_from_headers(request.headers)
    except PrincipalError as error:
        raise GraphQLError(str(error), extensions={"code": "UNAUTHENTICATED"}) from None


def refuse(message: str, code: str, **details: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **details})


def require_identity(principal: Principal) -> None:
    if principal.anonymous or principal.role is None:
        raise refuse("This needs a signed-in user; sign in through the Super App", "UNAUTHENTICATED")


def can_see(principal: Principal, row: Mapping[str, Any]) -> bool:
    """Whether the principal may see the complaint in lists, queues and subscriptions."""
    role = principal.role
    if principal.anonymous or role is None:
        return False
    if role in CITY_WIDE:
        return True
    if role in OPD_STAFF:
        opd = opd_of_claim(principal.opd)
        return opd is not None and row["opd_tujuan"] == opd.value
    if role == "petugas_lapangan":
        return row["petugas_sub"] is not None and row["petugas_sub"] == principal.subject
    if role == "warga":
        return principal.nik is not None and row["nik_pelapor"] == principal.nik
    return False


def can_see_identity(principal: Principal, row: Mapping[str, Any]) -> bool:
    """Whether the principal may read who filed the complaint."""
    if principal.anonymous or principal.role is None:
        return False
    if principal.role == "warga":
        return principal.nik is not None and row["nik_pelapor"] == principal.nik
    if principal.role == "meja_aduan":
        return True
    if row["rahasia"]:
        return False
    return principal.role != "dpo" and can_see(principal, row)


def visible_filter(principal: Principal) -> ColumnElement[bool]:
    """`can_see` as a WHERE clause, for lists and aggregates."""
    table = tables.aduan
    role = principal.role
    if principal.anonymous or role is None:
        return false()
    if role in CITY_WIDE:
        return true()
    if role in OPD_STAFF:
        opd = opd_of_claim(principal.opd)
        return table.c.opd_tujuan == opd.value if opd is not None else false()
    if role == "petugas_lapangan" and principal.subject:
        return table.c.petugas_sub == principal.subject
    if role == "warga" and principal.nik:
        return table.c.nik_pelapor == principal.nik
    return false()
