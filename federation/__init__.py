"""SPLP federation gateway: supergraph model, planner, executor, HTTP server, composition, registry."""
