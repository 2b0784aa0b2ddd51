"""`python -m bench.shaper_ab`: the exec-generated shapers (federation/executor/shape.py,
straight-line code per object type) against the same shaping interpreted (one loop over
each object's entries), on the benchmark query's answer; CPU time per shaping, median of
several runs, and the ratio. `InterpretedShaper` is also what the property test
(tests/hardening/test_shapers_agree.py) compares the generated code with.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import orjson

from federation.executor.shape import (
    _PROPAGATE,
    DENIED,
    LEAF,
    OBJECT,
    SCALAR,
    TYPENAME,
    VERBATIM,
    Entry,
    LinkedPath,
    ObjectShape,
    Shaper,
)

SCENARIO = Path(__file__).resolve().parent / "scenario"


class InterpretedShaper(Shaper):
    """`Shaper` without the generated code: every object, of an object type too, completed by
    the interpreted loop that the gateway uses for abstract types."""

    def complete_object(self, shape: ObjectShape, obj: Any, path: LinkedPath) -> Any:
        if not shape.is_object:
            return super().complete_object(shape, obj, path)
        if type(obj) is not dict:
            return self.bad_object(shape, obj, path)
        return self._fields(shape.static_type.name, shape.static_entries(), obj, path)

    def _fields(self, runtime: str, entries: list[Entry], obj: dict[str, Any], path: LinkedPath) -> Any:
        result: dict[str, Any] = {}
        for key, kind, non_null, value_shape, field_name in entries:
            if kind == TYPENAME:
                result[key] = runtime
                continue
            if kind == DENIED:
                self.unauthorized((path, key))
                result[key] = None
                if non_null:
                    return _PROPAGATE
                continue
            value = obj.get(key)
            if value is not None and kind == SCALAR:
                assert value_shape is not None
                if type(value) not in value_shape.allowed:
                    value = self.bad_scalar(value_shape, value, (path, key))
            if value is None:
                if non_null:
                    self.null_error(runtime, field_name, (path, key))
                    return _PROPAGATE
                result[key] = None
                continue
            if kind in (LEAF, VERBATIM, SCALAR):
                result[key] = value
                continue
            assert value_shape is not None
            if kind == OBJECT and value_shape.object_shape is not None:
                value = self.complete_object(value_shape.object_shape, value, (path, key))
            else:
                value = self.complete_value(value_shape, value, (path, key), runtime, field_name)
            if value is _PROPAGATE or (value is None and non_null):
                if non_null:
                    return _PROPAGATE
                value = None
            result[key] = value
        return result


def main() -> int:
    from federation.gateway import Gateway, GraphQLRequest
    from federation.supergraph import Supergraph

    gateway = Gateway(Supergraph.from_file(str(SCENARIO / "supergraph.upstream.graphql")))
    request = GraphQLRequest((SCENARIO / "query.graphql").read_text())
    prepared = gateway.prepare(request)
    operation, _ = gateway.plan_for(prepared, {}, gateway.current)
    data = orjson.loads((SCENARIO / "expected-response.json").read_bytes())["data"]
    schema = gateway.supergraph.api_schema
    generated = Shaper(schema, operation, []).shape(data)
    interpreted = InterpretedShaper(schema, operation, []).shape(data)
    assert generated == interpreted, "the two shapers disagree on the benchmark answer"

    def per_call_us(cls: type[Shaper], repeat: int = 200) -> float:
        start = time.process_time()
        for _ in range(repeat):
            cls(schema, operation, []).shape(data)
        return (time.process_time() - start) / repeat * 1e6

    runs: dict[str, list[float]] = {"generated": [], "interpreted": []}
    for i in range(7):
        for name, cls in ([("generated", Shaper), ("interpreted", InterpretedShaper)])[:: 1 if i % 2 == 0 else -1]:
            runs[name].append(per_call_us(cls))
    generated_us, interpreted_us = statistics.median(runs["generated"]), statistics.median(runs["interpreted"])
    print("shaping the benchmark answer (87.6 KB), CPU per shaping, median of 7 runs:")
    print(f"  generated    {generated_us:8.0f} us")
    print(f"  interpreted  {interpreted_us:8.0f} us")
    print(f"  ratio interpreted/generated: {interpreted_us / generated_us:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
