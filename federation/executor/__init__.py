"""The executor: runs a query plan against the subgraphs and shapes the response."""
