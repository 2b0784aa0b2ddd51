// Hive Gateway with Hive Router's Rust query planner and executor (@graphql-hive/router-runtime),
// otherwise its defaults: no inbound request deduplication.
import { unifiedGraphHandler } from "@graphql-hive/router-runtime";

export const gatewayConfig = { unifiedGraphHandler };
