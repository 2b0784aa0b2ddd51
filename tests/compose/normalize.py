"""Comparing supergraphs up to ordering and printing: a canonical form of an SDL document."""

from __future__ import annotations

from typing import Any

from graphql import parse, print_ast
from graphql.language import Node


def canonical(sdl: str) -> Any:
    """The document as nested sorted tuples: definitions, fields, arguments, directives,
    values and members in any order, and any layout, give the same result."""
    return tuple(sorted((_canonical(d) for d in parse(sdl, no_location=True).definitions), key=repr))


def _canonical(node: Any) -> Any:
    if isinstance(node, Node):
        items = []
        for key in node.keys:
            if key == "loc":
                continue
            value = getattr(node, key)
            if key == "block":
                continue
            items.append((key, _canonical(value)))
        return (type(node).__name__, tuple(items))
    if isinstance(node, (list, tuple)):
        converted = [_canonical(v) for v in node]
        return tuple(sorted(converted, key=repr))
    return node


def diff_lines(expected: str, actual: str) -> str:
    """Definitions present in one document only, printed, to show what differs."""
    left = {repr(_canonical(d)): print_ast(d) for d in parse(expected, no_location=True).definitions}
    right = {repr(_canonical(d)): print_ast(d) for d in parse(actual, no_location=True).definitions}
    missing = [left[k] for k in left if k not in right]
    extra = [right[k] for k in right if k not in left]
    return "--- only in Apollo's supergraph:\n" + "\n".join(missing) + "\n+++ only in ours:\n" + "\n".join(extra)
