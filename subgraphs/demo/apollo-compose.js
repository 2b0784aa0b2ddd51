// Compose subgraph SDL files into a supergraph with Apollo's composition (@apollo/composition + graphql from npm,
// installed outside the repo; run with NODE_PATH pointing at their node_modules). Not used at run time.
// usage: node compose.js OUT_SUPERGRAPH OUT_API name=url=path.graphql ...
const fs = require('fs');
const { composeServices } = require('@apollo/composition');
const { parse, printSchema } = require('graphql');
const [out, apiOut, ...specs] = process.argv.slice(2);
const services = specs.map((spec) => {
  const [name, url, path] = spec.split('=');
  return { name, url, typeDefs: parse(fs.readFileSync(path, 'utf8')) };
});
const result = composeServices(services);
if (result.errors) {
  for (const e of result.errors) console.error(e.message);
  process.exit(1);
}
fs.writeFileSync(out, result.supergraphSdl);
fs.writeFileSync(apiOut, printSchema(result.schema.toAPISchema().toGraphQLJSSchema()));
for (const h of result.hints || []) console.error('hint: ' + h.toString());
