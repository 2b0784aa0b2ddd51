"""The schema registry: OPDs publish subgraphs, checks stop breaking changes, gateways follow."""
