"""The SDL a kit subgraph answers `_service { sdl }` with: its own schema, without federation's additions.

strawberry prints the whole executable schema, `Query._entities`, `Query._service`, `_Any`,
`_Entity` and `_Service` included. Apollo's subgraph libraries leave these out (they are the
subgraph spec's additions, which every composer knows), and so does the kit: otherwise every
subgraph would seem to declare the same two root fields, which a registry reads as one OPD
taking another's fields.
"""

from __future__ import annotations

import re
from typing import Any

# The definitions the subgraph spec adds, as strawberry prints them.
_ADDED_TYPES = re.compile(r'^(scalar _Any|union _Entity = [^\n]*|type _Service \{\n  sdl: String!\n\})\n', re.MULTILINE)
_ADDED_FIELDS = re.compile(r"^  (_entities\(representations: \[_Any!\]!\): \[_Entity\]!|_service: _Service!)\n",
                           re.MULTILINE)


def subgraph_sdl(printed: str) -> str:
    """`printed` (strawberry's whole schema) without the subgraph spec's additions."""
    sdl = _ADDED_FIELDS.sub("", _ADDED_TYPES.sub("", printed.rstrip("\n") + "\n"))
    sdl = sdl.replace("type Query {\n\n", "type Query {\n")
    if "\ntype Query {\n}\n" in sdl:
        # No root field of its own: `schema @link(…) { query: Query }` would name a type no
        # longer printed, so the schema extension alone carries the @link.
        sdl = sdl.replace("\ntype Query {\n}\n", "\n")
        sdl = re.sub(r"^schema (@link\(.*?\)) \{\n  query: Query\n\}\n", r"extend schema \1\n", sdl, flags=re.DOTALL)
    return re.sub(r"\n{3,}", "\n\n", sdl).strip("\n") + "\n"


def use_subgraph_sdl(schema: Any) -> None:
    """Make `schema`'s `_service { sdl }` answer `subgraph_sdl` (computed once: a schema does not change)."""
    from strawberry.printer import print_schema

    service = schema._schema.type_map.get("_Service")
    if service is None:
        return
    sdl = subgraph_sdl(print_schema(schema))
    service.fields["sdl"].resolve = lambda *_args, **_kwargs: sdl


__all__ = ["subgraph_sdl", "use_subgraph_sdl"]
