"""`splp.yaml`: one file for every gateway setting, validated before anything starts.

Each wrong key is its own clear error (`limits.max_depht: unknown key; did you mean
max_depth?`, `server.header_timeout: must be a number, got 'ten'`), all reported at once.
Secrets stay out of the file: any string may be `${NAME}`, read from the environment
(an unset variable is an error). Command-line flags override the file; the file
overrides the built-in defaults, which are the dataclasses' own (every limit on).

    supergraph: supergraph.graphql
    port: 4000
    limits: {max_depth: 32, max_aliases: 200, max_body_bytes: 2097152}
    server: {header_timeout: 10, body_timeout: 30, max_connections: 4096}
    subgraphs:
      timeout: 30
      max_response_bytes: 67108864
      circuit_breaker: {failure_threshold: 5, open_seconds: 10}
      urls: {kependudukan: "https://kependudukan.opd.internal:4001/graphql"}
      # https subgraphs: the CA their certificates chain to, the gateway's client certificate
      # (mutual TLS); an entry per subgraph replaces the keys it gives
      tls:
        ca_file: /etc/splp/subgraph-ca.pem
        cert_file: /run/secrets/gateway-client.pem
        key_file: /run/secrets/gateway-client.key
        per_subgraph: {kesehatan: {ca_file: /etc/splp/dinkes-ca.pem}}
    csrf: {enabled: true}
    responses: {partial_success_status: false}  # true: 294 for data with errors (GraphQL-over-HTTP draft)
    cors: {allow_origins: ["https://superapp.makassarkota.go.id"]}
    rate_limits:
      redis_url: ${SPLP_REDIS_URL}
      per_address: {per_second: 50, burst: 100}
    trusted_documents: {manifest: persisted-documents.json, enforce: true}  # or {registry: true, refresh: 30}
    demand_control: {max_cost: 50000, default_list_size: 10, client_budgets: {superapp-android: 20000}}
    jwt: {jwks_url: "https://sso.makassarkota.go.id/.well-known/jwks.json", audience: splp-gateway}
    security: {require_auth: true, clients: clients.yaml, signing_keys_file: /run/secrets/splp-signing-keys}
    trail: {database: "${SPLP_TRAIL_DATABASE_URL}", key: /run/secrets/splp-trail-key}
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from federation.executor.tls import SubgraphTls, TlsError, TlsFiles
from federation.executor.traffic import TrafficPolicy
from federation.http.app import CorsOptions, HttpOptions
from federation.http.server import ServerLimits
from federation.limits import OperationLimits


class ConfigError(Exception):
    def __init__(self, source: str, errors: list[str]) -> None:
        self.source = source
        self.errors = errors
        super().__init__("\n".join(f"{source}: {e}" for e in errors))


NUMBER, INTEGER, BOOLEAN, STRING, STRINGS, STRING_MAP = "number", "integer", "boolean", "string", "strings", "map"
INTEGER_MAP = "integer map"
RATE = {"per_second": NUMBER, "burst": INTEGER}
TLS_FILES = {"ca_file": STRING, "cert_file": STRING, "key_file": STRING}


@dataclass(frozen=True)
class MapOf:
    """A mapping of any names (subgraph names, say) to sections of one shape."""

    spec: dict[str, Any]


SCHEMA: dict[str, Any] = {
    "supergraph": STRING,
    "registry": STRING,
    "registry_token": STRING,
    "host": STRING,
    "port": INTEGER,
    "workers": INTEGER,
    "poll_interval": NUMBER,
    "dedupe": BOOLEAN,
    "propagate_headers": STRINGS,
    "limits": {
        **{name: INTEGER for name in OperationLimits.names()},
        "max_body_bytes": INTEGER,
        "max_in_flight": INTEGER,
        "cache_bytes": INTEGER,
        "persisted_bytes": INTEGER,
    },
    "server": {f.name: (INTEGER if f.type in ("int", int) else NUMBER) for f in fields(ServerLimits)},
    "subgraphs": {
        "timeout": NUMBER,
        "connect_timeout": NUMBER,
        "max_response_bytes": INTEGER,
        "max_connections": INTEGER,
        "compression": BOOLEAN,
        "retries": INTEGER,
        "retry_ratio": NUMBER,
        "circuit_breaker": {"failure_threshold": INTEGER, "open_seconds": NUMBER},
        "urls": STRING_MAP,
        "tls": {**TLS_FILES, "per_subgraph": MapOf(TLS_FILES)},
    },
    "csrf": {"enabled": BOOLEAN, "required_headers": STRINGS},
    "responses": {"partial_success_status": BOOLEAN},
    "cors": {"allow_origins": STRINGS, "allow_credentials": BOOLEAN, "max_age": INTEGER},
    "rate_limits": {
        "per_address": RATE,
        "per_client": RATE,
        "per_operation": RATE,
        "trusted_proxies": STRINGS,
        "redis_url": STRING,
        "key_prefix": STRING,  # keeps gateways of different deployments apart in one Redis
    },
    "trusted_documents": {"manifest": STRING, "registry": BOOLEAN, "refresh": NUMBER, "enforce": BOOLEAN},
    "demand_control": {"max_cost": INTEGER, "default_list_size": INTEGER, "client_budgets": INTEGER_MAP},
    "jwt": {"secret_file": STRING, "jwks_file": STRING, "jwks_url": STRING, "audience": STRING, "issuer": STRING},
    # Data protection (README: the security model); flags of the same names override them.
    "security": {
        "require_auth": BOOLEAN,
        "clients": STRING,
        "policy_modules": STRINGS,
        "signing_keys_file": STRING,
        "introspection": BOOLEAN,
        "expose_subgraph_errors": BOOLEAN,
    },
    "trail": {"database": STRING, "key": STRING, "fail_open": BOOLEAN, "writer": STRING},
}

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def load(path: str) -> dict[str, Any]:
    """The validated settings of a `splp.yaml`; raises `ConfigError` listing every problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(path, [f"cannot be read: {e.strerror or e}"]) from None
    return parse(text, path)


def parse(text: str, source: str = "splp.yaml") -> dict[str, Any]:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ConfigError(source, [f"is not valid YAML: {e}"]) from None
    if raw is None:
        return {}
    errors: list[str] = []
    settings: dict[str, Any] = _check(raw, SCHEMA, "", errors)
    for i, network in enumerate(settings.get("rate_limits", {}).get("trusted_proxies", [])):
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            errors.append(f"rate_limits.trusted_proxies[{i}]: not an address or network: {network!r}")
    trusted = settings.get("trusted_documents", {})
    if trusted.get("manifest") and trusted.get("registry"):
        errors.append("trusted_documents: give either `manifest` (a file) or `registry: true`, not both")
    if errors:
        raise ConfigError(source, errors)
    return settings


def _check(value: Any, spec: Any, where: str, errors: list[str]) -> Any:
    label = where or "the file"
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            errors.append(f"{label}: must be a mapping of keys, got {_shown(value)}")
            return {}
        out: dict[str, Any] = {}
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if key not in spec:
                close = difflib.get_close_matches(str(key), list(spec), n=1)
                hint = f"; did you mean {close[0]}?" if close else f"; known keys: {', '.join(spec)}"
                errors.append(f"{path}: unknown key{hint}")
                continue
            out[key] = _check(item, spec[key], path, errors)
        return out
    if isinstance(spec, MapOf):
        if not isinstance(value, dict):
            errors.append(f"{label}: must map names to mappings of keys, got {_shown(value)}")
            return {}
        return {str(k): _check(v, spec.spec, f"{where}.{k}", errors) for k, v in value.items()}
    if spec == STRING_MAP:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            errors.append(f"{label}: must map names to strings, got {_shown(value)}")
            return {}
        return {str(k): _expand(v, f"{where}.{k}", errors) for k, v in value.items()}
    if spec == INTEGER_MAP:
        if not isinstance(value, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()
        ):
            errors.append(f"{label}: must map names to whole numbers, got {_shown(value)}")
            return {}
        return {str(k): v for k, v in value.items()}
    if spec == STRINGS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append(f"{label}: must be a list of strings, got {_shown(value)}")
            return []
        return [_expand(v, where, errors) for v in value]
    if spec == STRING:
        if not isinstance(value, str):
            errors.append(f"{label}: must be a string, got {_shown(value)}")
            return None
        return _expand(value, where, errors)
    if spec == BOOLEAN:
        if not isinstance(value, bool):
            errors.append(f"{label}: must be true or false, got {_shown(value)}")
        return value
    if spec == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(f"{label}: must be a whole number, 0 or more, got {_shown(value)}")
        return value
    if spec == NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            errors.append(f"{label}: must be a number, 0 or more, got {_shown(value)}")
            return value
        return float(value)
    raise AssertionError(spec)


def _expand(value: str, where: str, errors: list[str]) -> str:
    def variable(match: re.Match[str]) -> str:
        name = match.group(1)
        found = os.environ.get(name)
        if found is None:
            errors.append(f"{where}: the environment variable {name} is not set")
            return ""
        return found

    return _ENV.sub(variable, value)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- what the settings make -------------------------------------------------------------


def operation_limits(settings: dict[str, Any]) -> OperationLimits:
    section = settings.get("limits", {})
    return replace(OperationLimits(), **{k: v for k, v in section.items() if k in OperationLimits.names()})


def http_options(settings: dict[str, Any]) -> HttpOptions:
    limits, csrf = settings.get("limits", {}), settings.get("csrf", {})
    options = HttpOptions()
    return replace(
        options,
        max_body_bytes=limits.get("max_body_bytes", options.max_body_bytes),
        max_in_flight=limits.get("max_in_flight", options.max_in_flight),
        csrf_prevention=csrf.get("enabled", options.csrf_prevention),
        csrf_headers=tuple(h.lower() for h in csrf.get("required_headers", options.csrf_headers)),
        partial_success_status=settings.get("responses", {}).get("partial_success_status", False),
    )


def cors_options(settings: dict[str, Any]) -> CorsOptions | None:
    section = settings.get("cors")
    if not section or not section.get("allow_origins"):
        return None
    return CorsOptions(
        allow_origins=tuple(section["allow_origins"]),
        allow_credentials=section.get("allow_credentials", False),
        max_age=section.get("max_age", 600),
    )


def server_limits(settings: dict[str, Any]) -> ServerLimits:
    return replace(ServerLimits(), **settings.get("server", {}))


def subgraph_tls(settings: dict[str, Any], source: str = "splp.yaml") -> SubgraphTls | None:
    """The TLS contexts for https subgraphs, when `subgraphs.tls` is set; raises `ConfigError`
    naming the file that cannot be used (missing, unreadable, not a certificate or key)."""
    section = settings.get("subgraphs", {}).get("tls")
    if not section:
        return None
    per_subgraph = section.get("per_subgraph", {})
    try:
        return SubgraphTls(
            TlsFiles(**{k: v for k, v in section.items() if k != "per_subgraph"}),
            {name: TlsFiles(**files) for name, files in per_subgraph.items()},
        )
    except TlsError as e:
        raise ConfigError(source, [str(e)]) from None


def traffic_policy(settings: dict[str, Any], timeout: float | None = None) -> TrafficPolicy:
    section = dict(settings.get("subgraphs", {}))
    section.pop("urls", None)
    section.pop("tls", None)
    breaker = section.pop("circuit_breaker", {})
    policy = replace(TrafficPolicy(), **section, **breaker)
    return replace(policy, timeout=timeout) if timeout is not None else policy


def rate_limits(settings: dict[str, Any]) -> Any:
    from federation.ratelimit import Rate, RateLimits

    section = settings.get("rate_limits", {})
    defaults = RateLimits()
    values: dict[str, Any] = {}
    for scope in ("per_address", "per_client", "per_operation"):
        if scope in section:
            default: Rate = getattr(defaults, scope)
            values[scope] = Rate(
                section[scope].get("per_second", default.per_second), section[scope].get("burst", default.burst)
            )
    if "trusted_proxies" in section:
        values["trusted_proxies"] = tuple(section["trusted_proxies"])
    if section.get("redis_url"):
        values["redis_url"] = section["redis_url"]
    if section.get("key_prefix"):
        values["key_prefix"] = section["key_prefix"]
    return replace(defaults, **values)


def demand_limits(settings: dict[str, Any]) -> Any:
    from federation.demand import DemandLimits

    section = settings.get("demand_control", {})
    defaults = DemandLimits()
    return DemandLimits(
        max_cost=section.get("max_cost", defaults.max_cost),
        default_list_size=section.get("default_list_size", defaults.default_list_size),
        client_budgets=tuple(sorted(section.get("client_budgets", {}).items())),
    )
