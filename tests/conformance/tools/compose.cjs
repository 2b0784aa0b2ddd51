// Composes subgraph SDLs into a supergraph with Apollo's own composition library.
// stdin: JSON [{"name": ..., "url": ..., "sdl": ...}]; stdout: the supergraph SDL.
// Run through compose.py, which sets NODE_PATH to the folder holding @apollo/composition.
const { composeServices } = require("@apollo/composition");
const { parse } = require("graphql");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const services = JSON.parse(input).map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  const result = composeServices(services);
  if (result.errors) {
    for (const error of result.errors) console.error(error.message);
    process.exit(1);
  }
  for (const hint of result.hints ?? []) console.error(`hint: ${hint.definition.code}: ${hint.message}`);
  process.stdout.write(result.supergraphSdl);
});
