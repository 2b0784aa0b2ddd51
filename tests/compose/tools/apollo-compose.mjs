// Composes every case of the corpus with Apollo's published composition (the reference).
//
// Usage: node apollo-compose.mjs CASE_DIR...
// Each CASE_DIR holds one `<name>.graphql` file per subgraph and, optionally, `urls.json`
// ({"name": "http://..."}; default http://<name>.example/graphql). On success it writes
// CASE_DIR/supergraph.graphql and removes errors.json; on failure it writes CASE_DIR/errors.json
// (Apollo's codes and messages) and removes supergraph.graphql.
import { readFileSync, readdirSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(process.env.APOLLO_COMPOSE_DIR
  ? join(process.env.APOLLO_COMPOSE_DIR, "package.json")
  : import.meta.url);
const { composeServices } = require("@apollo/composition");
const { parse } = require("graphql");

for (const dir of process.argv.slice(2)) {
  const urlsFile = join(dir, "urls.json");
  const urls = existsSync(urlsFile) ? JSON.parse(readFileSync(urlsFile, "utf8")) : {};
  // A subgraph that does not parse is reported the way Apollo's tools report it (INVALID_GRAPHQL).
  const parseErrors = [];
  const services = readdirSync(dir)
    .filter((f) => f.endsWith(".graphql") && f !== "supergraph.graphql")
    .sort()
    .map((f) => {
      const name = f.slice(0, -".graphql".length);
      let typeDefs;
      try {
        typeDefs = parse(readFileSync(join(dir, f), "utf8"));
      } catch (e) {
        parseErrors.push({ message: `[${name}] ${e.message}`, extensions: { code: "INVALID_GRAPHQL" } });
      }
      return { name, url: urls[name] ?? `http://${name}.example/graphql`, typeDefs };
    });
  let result;
  try {
    result = parseErrors.length ? { errors: parseErrors } : composeServices(services);
  } catch (e) {
    // Apollo's composition itself failed (an internal assertion): no reference for this case.
    console.log(`${dir}: Apollo's composition threw: ${e.message}`);
    continue;
  }
  const supergraphFile = join(dir, "supergraph.graphql");
  const errorsFile = join(dir, "errors.json");
  if (result.errors) {
    const errors = result.errors.map((e) => ({
      code: e.extensions?.code ?? "UNKNOWN",
      message: e.message,
    }));
    writeFileSync(errorsFile, JSON.stringify(errors, null, 2) + "\n");
    rmSync(supergraphFile, { force: true });
    console.log(`${dir}: ${errors.length} error(s): ${[...new Set(errors.map((e) => e.code))].join(", ")}`);
  } else {
    writeFileSync(supergraphFile, result.supergraphSdl + "\n");
    rmSync(errorsFile, { force: true });
    console.log(`${dir}: ok`);
  }
}
