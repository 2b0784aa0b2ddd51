"""Running a query plan: fetch, then merge each result into the response tree.

The response tree (`Execution.data`) holds everything fetched, keyed by response key; the
shaping step (`shape.py`) then cuts it to the client's selection. Errors from subgraphs are
rewritten to the client's paths here and keep their message and extensions, plus
`serviceName`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson

from federation.executor.fetch import FetchError
from federation.executor.transport import Transport
from federation.planner.plan import BatchFetch, Fetch, Parallel, QueryPlan, Sequence, SubSelection
from federation.supergraph import Supergraph

Path = tuple[str | int, ...]


class Execution:
    def __init__(
        self,
        supergraph: Supergraph,
        client: Transport,
        variables: dict[str, Any],
        headers: dict[str, str] | None = None,
        is_mutation: bool = False,
    ) -> None:
        self.supergraph = supergraph
        self.client = client
        self.variables = variables
        self.headers = headers
        self.is_mutation = is_mutation
        self.data: dict[str, Any] = {}
        self.errors: list[dict[str, Any]] = []
        # Root fields a subgraph answered `data: null` for, with its errors: their errors are
        # the subgraph's, and shaping adds no "Cannot return null" of its own below them.
        self.explained: list[tuple[str | int, ...]] = []

    async def run(self, plan: QueryPlan) -> None:
        if plan.node is not None:
            await self.run_node(plan.node)

    async def run_node(self, node: Fetch | BatchFetch | Sequence | Parallel) -> None:
        if isinstance(node, Fetch):
            await (self.entity_fetch(node) if node.requires is not None else self.root_fetch(node))
        elif isinstance(node, BatchFetch):
            await self.entity_fetch(node)
        elif isinstance(node, Sequence):
            for child in node.nodes:
                await self.run_node(child)
        else:
            await asyncio.gather(*(self.run_node(child) for child in node.nodes))

    def _body(self, operation: str, variable_names: tuple[str, ...], extra: dict[str, Any] | None = None) -> bytes:
        variables = {name: self.variables[name] for name in variable_names if name in self.variables}
        if extra:
            variables.update(extra)
        payload: dict[str, Any] = {"query": operation}
        if variables:
            payload["variables"] = variables
        return orjson.dumps(payload)

    async def root_fetch(self, fetch: Fetch) -> None:
        body = self._body(fetch.operation, fetch.variable_names)
        try:
            response = await self.client.fetch(fetch.service, body, self.headers, dedupe=not self.is_mutation)
        except FetchError as e:
            for key in fetch.selection.fields:
                self.errors.append(e.to_graphql_error([key]))
            return
        data = response.get("data")
        if isinstance(data, dict):
            if fetch.renames is not None:
                fetch.renames.apply(data, self.supergraph)
            merge(self.data, data)
        errors = _errors(response)
        if data is None and errors:
            self.explained.extend((key,) for key in fetch.selection.fields)
        for error in errors:
            self.errors.append(_with_service(error, fetch.service, error.get("path")))

    async def entity_fetch(self, node: Fetch | BatchFetch) -> None:
        """One `_entities` call, or a BatchFetch's several, aliased `_0`, `_1`... in one request."""
        if isinstance(node, Fetch) and node.context is not None:
            await self.contextual_fetch(node)
            return
        batched = isinstance(node, BatchFetch)
        fetches = node.fetches if isinstance(node, BatchFetch) else [node]
        extra: dict[str, Any] = {}
        all_places: list[list[list[dict[str, Any]]]] = []
        for i, fetch in enumerate(fetches):
            representations, places = self.representations(fetch, objects_at(self.data, fetch.path))
            extra[f"r{i}" if batched else "representations"] = representations
            all_places.append(places)
        await self.send_entities(node.service, node.operation, node.variable_names, fetches, extra, all_places, batched)

    async def contextual_fetch(self, fetch: Fetch) -> None:
        """An entity fetch with @fromContext arguments: its objects grouped by the values their
        ancestors give the arguments, one aliased `_entities` per group, in one request."""
        context = fetch.context
        assert context is not None
        reads = context.reads
        groups: dict[Any, tuple[tuple[Any, ...], list[dict[str, Any]]]] = {}
        depths = tuple(r.depth for r in reads)
        for obj, ancestors in objects_with_ancestors(self.data, fetch.path, depths):
            values = tuple(
                _context_value(ancestor, read.selection, self.supergraph) if ancestor is not None else None
                for ancestor, read in zip(ancestors, reads, strict=True)
            )
            identity = orjson.dumps(values, option=orjson.OPT_SORT_KEYS)
            groups.setdefault(identity, (values, []))[1].append(obj)
        if not groups:
            return
        extra: dict[str, Any] = {}
        all_places: list[list[list[dict[str, Any]]]] = []
        batched = len(groups) > 1
        for i, (values, objects) in enumerate(groups.values()):
            representations, places = self.representations(fetch, objects)
            extra[f"r{i}" if batched else "representations"] = representations
            for read, value in zip(reads, values, strict=True):
                extra[f"{read.variable}_{i}" if batched else read.variable] = value
            all_places.append(places)
        operation = context.operation(len(groups)) if batched else fetch.operation
        fetches = [fetch] * len(groups)
        await self.send_entities(fetch.service, operation, fetch.variable_names, fetches, extra, all_places, batched)

    async def send_entities(
        self,
        service: str,
        operation: str,
        variable_names: tuple[str, ...],
        fetches: list[Fetch],
        extra: dict[str, Any],
        all_places: list[list[list[dict[str, Any]]]],
        batched: bool,
    ) -> None:
        if not any(all_places):
            return
        body = self._body(operation, variable_names, extra)
        try:
            response = await self.client.fetch(service, body, self.headers)
        except FetchError as e:
            for fetch, places in zip(fetches, all_places, strict=True):
                self.field_errors(fetch, [obj for objects in places for obj in objects], e.to_graphql_error)
            return
        data = response.get("data")
        for i, places in enumerate(all_places):
            alias = f"_{i}" if batched else "_entities"
            results = data.get(alias) if isinstance(data, dict) else None
            if not isinstance(results, list):
                continue
            fetch = fetches[i]
            if len(results) != len(places):
                # Items are matched to representations by position: with one missing or extra,
                # every later one would land on the wrong object. Nothing of it is used.
                message = f"Expected data.{alias} to contain {len(places)} elements, got {len(results)}"
                self.field_errors(fetch, [obj for objects in places for obj in objects], _malformed(service, message))
                continue
            renames = fetch.renames
            if renames is not None:
                renames.apply(results, self.supergraph)
            for index, result in enumerate(results):
                if isinstance(result, dict):
                    typename = result.get("__typename")
                    if typename is not None and not self.same_entity(fetch, places[index][0], typename):
                        message = f"data.{alias}[{index}] is a {typename!r}, not what its representation asked for"
                        self.field_errors(fetch, places[index], _malformed(service, message))
                        continue
                    for obj in places[index]:
                        merge(obj, result)
        for error in _errors(response):
            error_path = error.get("path")
            if isinstance(error_path, list) and len(error_path) >= 2 and isinstance(error_path[1], int):
                batch: int | None = 0 if not batched else _batch_index(error_path[0])
                if batch is not None and batch < len(all_places) and error_path[1] < len(all_places[batch]):
                    objects = all_places[batch][error_path[1]]
                    for path in self.client_paths(fetches[batch], objects):
                        self.errors.append(_with_service(error, service, [*path, *error_path[2:]]))
                    continue
            self.errors.append(_with_service(error, service, None))

    def same_entity(self, fetch: Fetch, obj: dict[str, Any], typename: object) -> bool:
        """Whether an `_entities` item of `typename` answers the representation made of `obj`."""
        asked = fetch.representation_typename or obj.get("__typename")
        if typename == asked or not isinstance(typename, str) or not isinstance(asked, str):
            return True
        return self.supergraph.fragment_applies(asked, typename) or self.supergraph.fragment_applies(typename, asked)

    def field_errors(
        self,
        fetch: Fetch,
        objects: list[dict[str, Any]],
        error_at: Callable[[list[str | int]], dict[str, Any]],
    ) -> None:
        """One error per field path the fetch could not fill: each object's path, then each
        field it was to return (not the plan's own __typename and internal aliases)."""
        keys = _filled_keys(fetch.selection)
        for path in self.client_paths(fetch, objects):
            if not keys:
                self.errors.append(error_at(list(path)))
            for key in keys:
                self.errors.append(error_at([*path, key]))

    def client_paths(self, fetch: Fetch, objects: list[dict[str, Any]]) -> list[Path]:
        """The response paths of `objects` (found at the fetch's path), each once."""
        wanted = {id(obj) for obj in objects}
        seen: set[Path] = set()
        result = []
        for obj, path in objects_with_paths(self.data, fetch.path):
            if id(obj) in wanted and path not in seen:
                seen.add(path)
                result.append(path)
        return result

    def representations(
        self, fetch: Fetch, objects: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
        """The distinct representations for `fetch` of `objects` (found at its path), and for
        each the objects it came from."""
        assert fetch.requires is not None and fetch.entity_type is not None
        types = self.supergraph.entity_typenames(fetch.only_type or fetch.entity_type)
        reader = _reader(fetch.requires, self.supergraph)
        override = fetch.representation_typename
        representations: list[dict[str, Any]] = []
        places: list[list[dict[str, Any]]] = []
        index_of: dict[Any, int] = {}
        for obj in objects:
            if obj.get("__typename") not in types:
                continue
            found = reader(obj)
            if found is None:
                continue
            identity, build = found
            try:
                index = index_of.get(identity)
            except TypeError:  # a list or object among the values
                identity = orjson.dumps(build(), option=orjson.OPT_SORT_KEYS)
                index = index_of.get(identity)
            if index is None:
                index = index_of[identity] = len(representations)
                representation = build()
                if override:
                    representation["__typename"] = override
                representations.append(representation)
                places.append([])
            places[index].append(obj)
        return representations, places


def _filled_keys(selection: SubSelection) -> list[str]:
    keys: list[str] = []
    for key in selection.fields:
        if key != "__typename" and not key.startswith("_splp_") and key not in keys:
            keys.append(key)
    for sub in selection.fragments.values():
        for key in _filled_keys(sub):
            if key not in keys:
                keys.append(key)
    return keys


def _malformed(service: str, message: str) -> Callable[[list[str | int]], dict[str, Any]]:
    def error_at(path: list[str | int]) -> dict[str, Any]:
        return {
            "message": message,
            "path": path,
            "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE", "serviceName": service},
        }

    return error_at


def _batch_index(alias: object) -> int | None:
    if isinstance(alias, str) and alias.startswith("_") and alias[1:].isdigit():
        return int(alias[1:])
    return None


def _errors(response: dict[str, Any]) -> list[dict[str, Any]]:
    errors = response.get("errors")
    if not isinstance(errors, list):
        return []
    return [e if isinstance(e, dict) else {"message": str(e)} for e in errors]


def _with_service(error: dict[str, Any], service: str, path: list[Any] | None) -> dict[str, Any]:
    result: dict[str, Any] = {"message": error.get("message", "Unknown error from subgraph")}
    if path is not None:
        result["path"] = path
    extensions = error.get("extensions")
    result["extensions"] = {**(extensions if isinstance(extensions, dict) else {}), "serviceName": service}
    return result


@lru_cache(maxsize=4096)
def _step(segment: str) -> tuple[str, frozenset[str] | None]:
    """A Flatten path segment: the field (or "@"), and the object types it keeps, if written
    (`@|[LaporanWarga]`: below a type condition, only objects of that type)."""
    name, bar, types = segment.partition("|")
    if not bar:
        return segment, None
    return name, frozenset(types.strip("[]").split(","))


def _typed(value: Any, types: frozenset[str]) -> bool:
    return type(value) is dict and value.get("__typename") in types


def objects_at(data: dict[str, Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The objects a Flatten path reaches: "@" steps into every item of a list."""
    current: list[Any] = [data]
    for segment in path:
        name, types = _step(segment)
        following: list[Any] = []
        if name == "@":
            for value in current:
                if type(value) is list:
                    following.extend(value)
        else:
            for value in current:
                if type(value) is dict:
                    child = value.get(name)
                    if child is not None:
                        following.append(child)
        current = following if types is None else [v for v in following if _typed(v, types)]
    return [v for v in current if type(v) is dict]


def objects_with_paths(data: dict[str, Any], path: tuple[str, ...]) -> list[tuple[dict[str, Any], Path]]:
    current: list[tuple[Any, Path]] = [(data, ())]
    for segment in path:
        name, types = _step(segment)
        following: list[tuple[Any, Path]] = []
        if name == "@":
            for value, p in current:
                if isinstance(value, list):
                    following.extend((item, (*p, i)) for i, item in enumerate(value))
        else:
            for value, p in current:
                if isinstance(value, dict):
                    child = value.get(name)
                    if child is not None:
                        following.append((child, (*p, name)))
        current = following if types is None else [(v, p) for v, p in following if _typed(v, types)]
    return [(v, p) for v, p in current if isinstance(v, dict)]


def objects_with_ancestors(
    data: dict[str, Any], path: tuple[str, ...], depths: tuple[int, ...]
) -> list[tuple[dict[str, Any], tuple[dict[str, Any] | None, ...]]]:
    """The objects a Flatten path reaches, each with the objects it lies under after the first
    `depths[i]` segments (None where that was not an object)."""
    current: list[tuple[Any, tuple[dict[str, Any] | None, ...]]] = [(data, (None,) * len(depths))]
    for k in range(len(path) + 1):
        if k in depths:
            current = [
                (v, tuple(v if d == k and type(v) is dict else a for d, a in zip(depths, ancestors, strict=True)))
                for v, ancestors in current
            ]
        if k == len(path):
            break
        name, types = _step(path[k])
        following: list[tuple[Any, tuple[dict[str, Any] | None, ...]]] = []
        for value, ancestors in current:
            if name == "@":
                if type(value) is list:
                    following.extend((item, ancestors) for item in value)
            elif type(value) is dict:
                child = value.get(name)
                if child is not None:
                    following.append((child, ancestors))
        current = following if types is None else [(v, a) for v, a in following if _typed(v, types)]
    return [(v, a) for v, a in current if type(v) is dict]


def _context_value(ancestor: dict[str, Any], selection: SubSelection, supergraph: Supergraph) -> Any:
    """The value a contextual argument takes on `ancestor`: the field its selection names (for
    a fragment, the first one applying to the ancestor's type), an object with a sub-selection
    projected to it; null when the ancestor lacks it."""
    typename = ancestor.get("__typename")
    candidates = list(selection.fields.values())
    for condition, sub in selection.fragments.items():
        if condition == typename or (isinstance(typename, str) and supergraph.fragment_applies(condition, typename)):
            candidates.extend(sub.fields.values())
    for f in candidates:
        if f.name == "__typename":
            continue
        value = ancestor.get(f.source_key or f.name)
        if f.selection is not None and value is not None:
            projected = _project_value(value, f.selection, supergraph)
            return None if projected is _MISSING else projected
        return value
    return None


_MISSING = object()


def _reader(
    selection: SubSelection, supergraph: Supergraph
) -> Callable[[dict[str, Any]], tuple[Any, Callable[[], dict[str, Any]]] | None]:
    """For a representation selection: a function giving, for an object, a value equal for equal
    representations and a function building the representation (None when a field is missing).
    Compiled once per selection; most are flat (`__typename` and key fields), read by itemgetter."""
    found = selection.__dict__.get("_reader")
    if found is not None:
        return found  # type: ignore[no-any-return]
    flat = not selection.fragments and all(f.selection is None for f in selection.fields.values())
    reader: Callable[[dict[str, Any]], tuple[Any, Callable[[], dict[str, Any]]] | None]
    if flat:
        keys = tuple(selection.fields)
        getter = itemgetter(*(f.source_key or key for key, f in selection.fields.items()))
        single = len(keys) == 1

        def flat_reader(obj: dict[str, Any]) -> tuple[Any, Callable[[], dict[str, Any]]] | None:
            try:
                values = getter(obj)
            except KeyError:
                return None
            if single:
                values = (values,)
            return values, lambda: dict(zip(keys, values, strict=True))

        reader = flat_reader
    else:

        def nested_reader(obj: dict[str, Any]) -> tuple[Any, Callable[[], dict[str, Any]]] | None:
            representation = _project(obj, selection, supergraph)
            if representation is None:
                return None
            return orjson.dumps(representation, option=orjson.OPT_SORT_KEYS), lambda: representation

        reader = nested_reader
    selection.__dict__["_reader"] = reader
    return reader


def _project(obj: dict[str, Any], selection: SubSelection, supergraph: Supergraph) -> dict[str, Any] | None:
    """The part of `obj` that `selection` names, or None when a named field is missing.
    A fragment applies to its own type and, on an abstract type, to its implementations."""
    result: dict[str, Any] = {}
    for key, f in selection.fields.items():
        value = obj.get(f.source_key or key, _MISSING)
        if value is _MISSING:
            return None
        if f.selection is not None and value is not None:
            value = _project_value(value, f.selection, supergraph)
            if value is _MISSING:
                return None
        result[key] = value
    typename = obj.get("__typename")
    for condition, sub in selection.fragments.items():
        if condition == typename or (isinstance(typename, str) and supergraph.fragment_applies(condition, typename)):
            more = _project(obj, sub, supergraph)
            if more is None:
                return None
            result.update(more)
    return result


def _project_value(value: Any, selection: SubSelection, supergraph: Supergraph) -> Any:
    if isinstance(value, list):
        items = [_project_value(v, selection, supergraph) if v is not None else None for v in value]
        return _MISSING if any(i is _MISSING for i in items) else items
    if isinstance(value, dict):
        projected = _project(value, selection, supergraph)
        return _MISSING if projected is None else projected
    return value


def merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        existing = target.get(key)
        if existing is None:
            target[key] = value
        elif value is None:
            continue  # one subgraph's null does not erase what another returned
        elif isinstance(existing, dict) and isinstance(value, dict):
            merge(existing, value)
        elif isinstance(existing, list) and isinstance(value, list):
            _merge_lists(existing, value)
        else:
            target[key] = value


def _merge_lists(target: list[Any], source: list[Any]) -> None:
    for i, (a, b) in enumerate(zip(target, source, strict=False)):
        if isinstance(a, dict) and isinstance(b, dict):
            merge(a, b)
        elif isinstance(a, list) and isinstance(b, list):
            _merge_lists(a, b)
        elif a is None:
            target[i] = b
