"""Composition: subgraph schemas in, a supergraph (or the reasons there is none) out.

    result = compose([SubgraphSource("penduduk", "http://penduduk:4001/graphql", sdl), ...])
    if result.errors: ...  # each has Apollo's error code and a message naming what is wrong
    else: result.supergraph_sdl

The supergraph is the one Apollo's composition writes for the same subgraphs (equal up to
ordering and printing): `@link` core v1.0, `join` v0.3 to v0.5 following the highest federation
version the subgraphs link, and the `tag`, `inaccessible`, access control and cost features they use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from federation.compose.auth_rules import missing_transitive_auth
from federation.compose.graphql_rules import supergraph_graphql_errors
from federation.compose.merge import Merger
from federation.compose.printer import print_supergraph
from federation.compose.satisfiability import check_satisfiability
from federation.compose.subgraph import SubgraphReadError, prepare_subgraphs, read_subgraph
from federation.compose.validate import graphql_problems, validate_subgraph


@dataclass(frozen=True)
class SubgraphSource:
    name: str
    url: str  # routing url
    sdl: str


@dataclass(frozen=True)
class CompositionError:
    code: str  # Apollo's code where one exists, e.g. INVALID_FIELD_SHARING
    message: str  # names subgraphs, types, fields and the reason


@dataclass(frozen=True)
class CompositionResult:
    supergraph_sdl: str | None
    errors: tuple[CompositionError, ...]


def compose(subgraphs: Sequence[SubgraphSource]) -> CompositionResult:
    """Composes the subgraphs into a supergraph, or says why they cannot be composed."""
    errors = _check_names(subgraphs)
    if errors:
        return CompositionResult(None, tuple(errors))
    schemas = []
    for source in subgraphs:
        try:
            schemas.append(read_subgraph(source.name, source.url, source.sdl))
        except SubgraphReadError as error:
            errors.append(CompositionError(error.code, error.message))
    if errors:
        return CompositionResult(None, tuple(errors))
    for schema in schemas:
        errors += [CompositionError(p.code, p.message) for p in graphql_problems(schema)]
    if errors:
        return CompositionResult(None, tuple(errors))
    errors += [CompositionError(p.code, p.message) for p in prepare_subgraphs(schemas)]
    if errors:
        return CompositionResult(None, tuple(errors))
    for schema in schemas:
        errors += [CompositionError(p.code, p.message) for p in validate_subgraph(schema)]
    if errors:
        return CompositionResult(None, tuple(errors))
    # Apollo orders subgraphs by name: merging in the same order gives the same field order and
    # the same choices where subgraphs disagree (descriptions, first type seen).
    merger = Merger(sorted(schemas, key=lambda s: s.name))
    supergraph = merger.merge()
    if supergraph is None:
        return CompositionResult(None, tuple(CompositionError(p.code, p.message) for p in merger.errors))
    supergraph_sdl = print_supergraph(supergraph)
    invalid = supergraph_graphql_errors(supergraph_sdl)
    if invalid:
        return CompositionResult(None, tuple(CompositionError("INVALID_GRAPHQL", m) for m in invalid))
    unprotected = missing_transitive_auth(supergraph_sdl)
    if unprotected:
        return CompositionResult(None, tuple(CompositionError(code, message) for code, message in unprotected))
    problems = check_satisfiability(schemas, supergraph)
    if problems:
        return CompositionResult(None, tuple(CompositionError(p.code, p.message) for p in problems))
    return CompositionResult(supergraph_sdl, ())


def _check_names(subgraphs: Sequence[SubgraphSource]) -> list[CompositionError]:
    errors: list[CompositionError] = []
    if not subgraphs:
        errors.append(CompositionError("NO_SUBGRAPHS", "No subgraphs to compose: give at least one subgraph."))
    seen: set[str] = set()
    for source in subgraphs:
        if not source.name or source.name == "_":
            errors.append(
                CompositionError(
                    "INVALID_SUBGRAPH_NAME",
                    f'Invalid subgraph name "{source.name}": it must be a non-empty name other than "_".',
                )
            )
        if source.name in seen:
            errors.append(
                CompositionError("INVALID_SUBGRAPH_NAME", f'A subgraph named "{source.name}" is given more than once.')
            )
        seen.add(source.name)
    return errors


__all__ = ["CompositionError", "CompositionResult", "SubgraphSource", "compose"]
