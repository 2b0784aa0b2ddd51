// Serves a supergraph with Apollo's reference gateway (@apollo/gateway + @apollo/server), to
// cross-check the conformance scenarios' expected answers. Not used by the test suite itself.
// env: SUPERGRAPH (file), SUBGRAPH_URLS (JSON {name: url}), SUBGRAPH_TIMEOUT_MS, PORT.
// Prints "ready <url>" once it listens. Run through crosscheck.py, which sets NODE_PATH.
const fs = require("fs");
const { ApolloServer } = require("@apollo/server");
const { startStandaloneServer } = require("@apollo/server/standalone");
const { ApolloGateway, RemoteGraphQLDataSource } = require("@apollo/gateway");

const urls = JSON.parse(process.env.SUBGRAPH_URLS);
const timeoutMs = Number(process.env.SUBGRAPH_TIMEOUT_MS || "30000");

const gateway = new ApolloGateway({
  supergraphSdl: fs.readFileSync(process.env.SUPERGRAPH, "utf8"),
  buildService: ({ name }) =>
    new RemoteGraphQLDataSource({
      url: urls[name],
      fetcher: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
    }),
});

(async () => {
  const server = new ApolloServer({ gateway, csrfPrevention: false, includeStacktraceInErrorResponses: false });
  const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: Number(process.env.PORT) } });
  console.log(`ready ${url}`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
