"""The deterministic seed generator: realistic Makassar data for every OPD and stand-in."""

from subgraphs.seed.generate import Batch, generate
from subgraphs.seed.write import TARGETS, SeedReport, seed_databases

__all__ = ["TARGETS", "Batch", "SeedReport", "generate", "seed_databases"]
