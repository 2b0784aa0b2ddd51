// Apollo Gateway (@apollo/gateway on @apollo/server), as the benchmark's peer.
//
// Usage: node apollo-gateway.mjs SUPERGRAPH_FILE PORT

import { readFileSync } from "node:fs";

import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const [supergraphPath, portText] = process.argv.slice(2);
if (!supergraphPath || !portText) {
  console.error("usage: node apollo-gateway.mjs SUPERGRAPH_FILE PORT");
  process.exit(2);
}

const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, "utf8") });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(portText) },
});
console.log(`Apollo Gateway listening on ${url}`);
