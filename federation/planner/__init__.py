"""The query planner: from a validated operation to a tree of fetches."""

from federation.planner.build import PlanningError, build_plan
from federation.planner.operation import Operation, normalize
from federation.planner.plan import BatchFetch, Fetch, Parallel, QueryPlan, Sequence, SubSelection

__all__ = [
    "BatchFetch",
    "Fetch",
    "Operation",
    "Parallel",
    "PlanningError",
    "QueryPlan",
    "Sequence",
    "SubSelection",
    "build_plan",
    "normalize",
]
