// Hive Gateway configuration with its defaults: no inbound request deduplication.
export const gatewayConfig = {};
