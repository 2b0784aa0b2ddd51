"""SPLP's benchmarks: `python -m bench.run` (gateway against the Node peers) and
`python -m bench.planning` (planning cost). Never part of `make test`."""
