// The four subgraphs of the public gateway benchmark scenario (accounts, inventory,
// products, reviews), serving bench-data/data.json on one port with one path each.
//
// Usage: node subgraphs.mjs DATA_JSON PORT [--no-memo]
//
// Real Federation subgraphs (graphql-js + @apollo/subgraph, `_entities` and `_service`
// included), kept lean because they must never be the benchmark's bottleneck (they share
// one core with the load generator): a plain node:http server, and each distinct request
// executed once. The data never changes, so the serialized answer to a request body is
// kept and sent again when the same body comes back; gateways send the same few bodies
// for the same operation. graphql-js alone takes up to 4 ms for the largest
// (79 KB) reviews answer, which would cap the gateways at a few hundred req/s; --no-memo
// executes every request, to measure that.
//
// GET /_stats answers {"accounts": n, ...}: the GraphQL requests each subgraph has
// received since start, so the harness can count subgraph requests per client request.
// GET /_requests answers the distinct requests received so far ([{subgraph, body}]), so
// the harness can replay a gateway's own subgraph traffic to measure these subgraphs.
//
// The scenario's quirks, as visible in expected-response.json, are kept on purpose:
// shippingEstimate is always null, every review's author is user 1, and every user's
// reviews are reviews 1 and 2.

import { readFileSync } from "node:fs";
import http from "node:http";

import { buildSubgraphSchema } from "@apollo/subgraph";
import { execute, parse, validate } from "graphql";

const [dataPath, portText, option] = process.argv.slice(2);
if (!dataPath || !portText || (option && option !== "--no-memo")) {
  console.error("usage: node subgraphs.mjs DATA_JSON PORT [--no-memo]");
  process.exit(2);
}
const data = JSON.parse(readFileSync(dataPath, "utf8"));

const usersById = new Map(data.users.map((user) => [user.id, user]));
const productsByUpc = new Map(data.products.map((product) => [product.upc, product]));
const inventoryByUpc = new Map(data.inventory.map((item) => [item.upc, item]));
const reviewsById = new Map(data.reviews.map((review) => [review.id, review]));

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", ' +
  'import: ["@key", "@external", "@requires", "@provides"])\n';

function subgraph(sdl, resolvers) {
  return buildSubgraphSchema([{ typeDefs: parse(LINK + sdl), resolvers }]);
}

const accounts = subgraph(
  `type Query {
    me: User
    user(id: ID!): User
    users: [User]
  }
  type User @key(fields: "id") {
    id: ID!
    name: String
    username: String
    birthday: Int
  }`,
  {
    Query: {
      me: () => usersById.get("1"),
      user: (_, { id }) => usersById.get(id) ?? null,
      users: () => data.users,
    },
    User: {
      __resolveReference: ({ id }) => usersById.get(id) ?? null,
    },
  },
);

const inventory = subgraph(
  `type Product @key(fields: "upc") {
    upc: String!
    weight: Int @external
    price: Int @external
    inStock: Boolean
    shippingEstimate: Int @requires(fields: "price weight")
  }`,
  {
    Product: {
      __resolveReference: (reference) => {
        const item = inventoryByUpc.get(reference.upc);
        return item ? { ...reference, inStock: item.inStock } : null;
      },
      // The scenario's answer: always null, whatever price and weight say.
      shippingEstimate: () => null,
    },
  },
);

const products = subgraph(
  `type Query {
    topProducts(first: Int = 5): [Product]
  }
  type Product @key(fields: "upc") {
    upc: String!
    name: String
    price: Int
    weight: Int
  }`,
  {
    Query: {
      topProducts: (_, { first }) => data.products.slice(0, first),
    },
    Product: {
      __resolveReference: ({ upc }) => productsByUpc.get(upc) ?? null,
    },
  },
);

// Every review is written by user 1 and every user wrote reviews 1 and 2: the
// scenario's data, not a shortcut (see expected-response.json).
const author = { id: "1", username: usersById.get("1").username };
const authoredReviews = [reviewsById.get("1"), reviewsById.get("2")];

const reviews = subgraph(
  `type Review @key(fields: "id") {
    id: ID!
    body: String
    product: Product
    author: User @provides(fields: "username")
  }
  type User @key(fields: "id") {
    id: ID!
    username: String @external
    reviews: [Review]
  }
  type Product @key(fields: "upc") {
    upc: String!
    reviews: [Review]
  }`,
  {
    Review: {
      __resolveReference: ({ id }) => reviewsById.get(id) ?? null,
      product: (review) => ({ upc: review.product.upc }),
      author: () => author,
    },
    User: {
      __resolveReference: ({ id }) => ({ id }),
      reviews: () => authoredReviews,
    },
    Product: {
      __resolveReference: ({ upc }) => ({ upc }),
      reviews: ({ upc }) => data.reviews.filter((review) => review.product.upc === upc),
    },
  },
);

const subgraphs = { accounts, inventory, products, reviews };
const counts = Object.fromEntries(Object.keys(subgraphs).map((name) => [name, 0]));
// Per subgraph: query text -> parsed and validated document (or the validation errors).
const documents = Object.fromEntries(Object.keys(subgraphs).map((name) => [name, new Map()]));
// "subgraph\nbody" -> [status, serialized answer], or null under --no-memo. Bounded: a
// gateway sends a handful of distinct requests; past the bound, requests just execute.
const answers = new Map();
const MAX_DISTINCT = 1000;
const memo = option !== "--no-memo";

function prepare(name, query) {
  const cache = documents[name];
  let prepared = cache.get(query);
  if (prepared === undefined) {
    try {
      const document = parse(query);
      const errors = validate(subgraphs[name], document);
      prepared = errors.length ? { errors } : { document };
    } catch (error) {
      prepared = { errors: [error] };
    }
    if (cache.size < MAX_DISTINCT) cache.set(query, prepared);
  }
  return prepared;
}

function serialize(status, payload) {
  return [status, Buffer.from(JSON.stringify(payload))];
}

// Answers [status, bytes], or a promise of it: `_entities` resolves asynchronously.
function run(name, body) {
  let request;
  try {
    request = JSON.parse(body);
  } catch {
    return serialize(400, { errors: [{ message: "body is not JSON" }] });
  }
  if (typeof request?.query !== "string") {
    return serialize(400, { errors: [{ message: "missing query" }] });
  }
  const prepared = prepare(name, request.query);
  if (prepared.errors) {
    return serialize(400, { errors: prepared.errors.map((error) => ({ message: error.message })) });
  }
  const result = execute({
    schema: subgraphs[name],
    document: prepared.document,
    variableValues: request.variables,
    operationName: request.operationName,
  });
  return typeof result.then === "function" ? result.then((value) => serialize(200, value)) : serialize(200, result);
}

function send(response, [status, bytes]) {
  response.writeHead(status, { "content-type": "application/json", "content-length": bytes.length });
  response.end(bytes);
}

function answer(name, body, response) {
  const key = `${name}\n${body}`;
  const known = answers.get(key);
  if (known) {
    send(response, known);
    return;
  }
  const outcome = run(name, body);
  const remember = (settled) => {
    if (answers.size < MAX_DISTINCT || answers.has(key)) answers.set(key, memo ? settled : null);
    send(response, settled);
  };
  if (Array.isArray(outcome)) remember(outcome);
  else outcome.then(remember);
}

const server = http.createServer((request, response) => {
  const name = request.url.slice(1).split("?")[0];
  if (request.method === "GET" && name === "_stats") {
    send(response, serialize(200, counts));
    return;
  }
  if (request.method === "GET" && name === "_requests") {
    const seen = [...answers.keys()].map((key) => {
      const cut = key.indexOf("\n");
      return { subgraph: key.slice(0, cut), body: key.slice(cut + 1) };
    });
    send(response, serialize(200, seen));
    return;
  }
  if (request.method !== "POST" || !(name in subgraphs)) {
    send(response, serialize(404, { errors: [{ message: "POST /accounts, /inventory, /products or /reviews" }] }));
    return;
  }
  counts[name] += 1;
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => answer(name, Buffer.concat(chunks).toString("utf8"), response));
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portText), "127.0.0.1", () => {
  console.log(`subgraphs listening on http://127.0.0.1:${portText}${memo ? "" : " (--no-memo)"}`);
});
