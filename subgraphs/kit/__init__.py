"""The OPD subgraph kit: shared data-standard scalars, SQL and REST sources."""
