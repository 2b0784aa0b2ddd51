"""The deterministic seed generator: realistic Makassar data for every OPD and stand-in."""

from subgraphs.seed.generate import Batch, generate
from subgraphs.seed.write import TARGETS, SeedReport, load_batches, seed_databases

__all__ = ["TARGETS", "Batch", "SeedReport", "generate", "load_batches", "seed_databases"]
