"""SPLP subgraphs: the OPD subgraph kit and the reference OPD subgraphs."""
