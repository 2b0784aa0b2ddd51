"""Printing a merged supergraph as SDL, in the layout Apollo's composition uses."""

from __future__ import annotations

from graphql import print_ast

from federation.compose.model import MergedField, MergedInputValue, MergedType, Supergraph


def _block_string(value: str, prefer_multiple_lines: bool) -> str:
    """A description as Apollo's printer writes it (`printBlockString` of federation-internals)."""
    single_line = "\n" not in value
    leading_space = value[:1] in (" ", "\t")
    multiple_lines = not single_line or value.endswith('"') or value.endswith("\\") or prefer_multiple_lines
    result = "\n" if multiple_lines and not (single_line and leading_space) else ""
    result += value + ("\n" if multiple_lines else "")
    return '"""' + result.replace('"""', '\\"""') + '"""'


def _description(text: str | None, indent: str = "", first_in_block: bool = True) -> str:
    if text is None:
        return ""
    prefix = "\n" + indent if indent and not first_in_block else indent
    return prefix + _block_string(text, len(text) > 70).replace("\n", "\n" + indent) + "\n"


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
        lines = "\n".join(
            _description(a.description, "    ", i == 0) + "    " + _input_value(a) for i, a in enumerate(args.values())
        )
        return "(\n" + lines + "\n  )"
    return "(" + ", ".join(_input_value(a) for a in args.values()) + ")"


def _field(field: MergedField, first: bool) -> str:
    text = f"  {field.name}{_arguments(field.args)}: {print_ast(field.type)}"
    if field.directives:
        text += " " + " ".join(field.directives)
    return _description(field.description, "  ", first) + text


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
        return text + "\n = " + " | ".join(merged.members) if merged.members else text
    if merged.kind in ("object", "interface"):
        body = [_field(f, i == 0) for i, f in enumerate(merged.fields.values())]
    elif merged.kind == "input":
        body = [
            _description(f.description, "  ", i == 0) + "  " + _input_value(f)
            for i, f in enumerate(merged.input_fields.values())
        ]
    else:
        body = [
            _description(v.description, "  ", i == 0) + f"  {v.name}" + ("".join(" " + d for d in v.directives))
            for i, v in enumerate(merged.values.values())
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
