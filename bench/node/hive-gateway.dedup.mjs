// Hive Gateway configuration with inbound in-flight request deduplication turned on:
// identical concurrent operations (same document, operation name, variables and
// headers) share one execution. Read from @graphql-hive/gateway-runtime's
// `inboundInflightRequestDeduplication` option.
export const gatewayConfig = {
  inboundInflightRequestDeduplication: true,
};
