"""Printing a merged supergraph as SDL, in the layout Apollo's composition uses."""

from __future__ import annotations

from graphql import print_ast
from graphql.language.print_string import print_string

from federation.compose.model import MergedField, MergedInputValue, MergedType, Supergraph


def _description(text: str | None, indent: str = "") -> str:
    if text is None:
        return ""
    if "\n" in text or len(text) > 70:
        body = "\n".join(indent + line if line else line for line in text.split("\n"))
        return f'{indent}"""\n{body}\n{indent}"""\n'
    return f"{indent}{print_string(text)}\n"


def _input_value(value: MergedInputValue) -> str:
    text = f"{value.name}: {print_ast(value.type)}"
    if value.default is not None:
        text += f" = {print_ast(value.default)}"
    if value.directives:
        text += " " + " ".join(value.directives)
    return text


def _arguments(args: dict[str, MergedInputValue]) -> str:
    if not args:
        return ""
    if any(a.description for a in args.values()):
        lines = "".join(_description(a.description, "    ") + "    " + _input_value(a) + "\n" for a in args.values())
        return "(\n" + lines + "  )"
    return "(" + ", ".join(_input_value(a) for a in args.values()) + ")"


def _field(field: MergedField) -> str:
    text = f"  {field.name}{_arguments(field.args)}: {print_ast(field.type)}"
    if field.directives:
        text += " " + " ".join(field.directives)
    return _description(field.description, "  ") + text


def _type(merged: MergedType) -> str:
    keyword = {
        "object": "type",
        "interface": "interface",
        "union": "union",
        "enum": "enum",
        "input": "input",
        "scalar": "scalar",
    }[merged.kind]
    head = f"{keyword} {merged.name}"
    if merged.interfaces:
        head += " implements " + " & ".join(merged.interfaces)
    directives = "".join(f"\n  {d}" for d in merged.directives)
    text = _description(merged.description) + head + directives
    if merged.kind == "scalar":
        return text
    if merged.kind == "union":
        return text + "\n  = " + " | ".join(merged.members) if merged.members else text
    if merged.kind in ("object", "interface"):
        body = [_field(f) for f in merged.fields.values()]
    elif merged.kind == "input":
        body = [_description(f.description, "  ") + "  " + _input_value(f) for f in merged.input_fields.values()]
    else:
        body = [
            _description(v.description, "  ") + f"  {v.name}" + ("".join(" " + d for d in v.directives))
            for v in merged.values.values()
        ]
    return text + ("\n{\n" if merged.directives else " {\n") + "\n".join(body) + "\n}"


def print_supergraph(supergraph: Supergraph) -> str:
    applied = supergraph.links + supergraph.schema_directives
    schema = _description(supergraph.description) + "schema" + "".join(f"\n  {d}" for d in applied) + "\n{\n"
    schema += "".join(f"  {kind}: {name}\n" for kind, name in supergraph.roots.items()) + "}"
    blocks: list[tuple[str, str]] = []
    for chunk in supergraph.directive_definitions + supergraph.spec_types:
        for block in _split_blocks(chunk):
            blocks.append((_sort_key(block), block))
    for node in supergraph.custom_directive_nodes:
        blocks.append((node.name.value.lower(), print_ast(node)))
    directives = sorted(b for b in blocks if b[1].startswith("directive"))
    types = [b for b in blocks if not b[1].startswith("directive")]
    types += [(name.lower(), _type(merged)) for name, merged in supergraph.types.items()]
    types.sort()
    return "\n\n".join([schema] + [b for _, b in directives] + [b for _, b in types]) + "\n"


def _split_blocks(chunk: str) -> list[str]:
    return (
        [block.strip() for block in chunk.strip().split("\n\n") if block.strip()]
        if "{" not in chunk
        else [block.strip() for block in _split_keeping_braces(chunk)]
    )


def _split_keeping_braces(chunk: str) -> list[str]:
    blocks: list[str] = []
    current: list[str] = []
    depth = 0
    for line in chunk.strip().split("\n"):
        if not line.strip() and depth == 0:
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
        depth += line.count("{") - line.count("}")
    if current:
        blocks.append("\n".join(current))
    return [b for b in blocks if b.strip()]


def _sort_key(block: str) -> str:
    name = block.split()[1]
    return name.lstrip("@").split("(")[0].lower()
