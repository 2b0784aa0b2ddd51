"""The citizen-centric demo: six OPD subgraphs on SQLite, the stand-ins, and the gateway."""
