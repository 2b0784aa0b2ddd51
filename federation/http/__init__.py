"""The gateway's HTTP server: GraphQL over HTTP, GraphiQL, health and readiness."""
