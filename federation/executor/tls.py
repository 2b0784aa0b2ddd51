"""TLS toward subgraphs: which CA their certificates must chain to, and the client certificate
the gateway presents to subgraphs that require one (mutual TLS).

Configured globally and per subgraph (`subgraphs.tls` in splp.yaml, see federation.config); a
subgraph's own entry replaces the global keys it gives. Each distinct configuration becomes one
`ssl.SSLContext`, built when the gateway starts, so a missing file or a certificate that does
not match its key stops the start-up (`TlsError`, naming the file) instead of failing the first
request. Only https URLs use them: an http URL has no TLS at all.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

# one check of a TLS file, shared with the subgraphs' side (`splp subgraph serve`)
from subgraphs.kit.tls import TlsError as TlsError
from subgraphs.kit.tls import check_readable, refuse_encrypted_key

log = logging.getLogger("splp.executor.tls")


@dataclass(frozen=True)
class TlsFiles:
    ca_file: str | None = None  # trusted instead of the system's CAs
    cert_file: str | None = None  # with key_file: the gateway's client certificate
    key_file: str | None = None

    def overridden_by(self, other: TlsFiles) -> TlsFiles:
        return replace(self, **{f.name: getattr(other, f.name) for f in fields(other) if getattr(other, f.name)})


def client_context(files: TlsFiles) -> ssl.SSLContext:
    """The context for https connections to a subgraph; raises `TlsError`."""
    if bool(files.cert_file) != bool(files.key_file):
        raise TlsError("cert_file and key_file go together: give both or neither")
    if files.ca_file:
        check_readable("ca_file", files.ca_file)
        try:
            context = ssl.create_default_context(cafile=files.ca_file)
        except ssl.SSLError as e:
            raise TlsError(f"ca_file {files.ca_file}: holds no usable CA certificate ({e.reason or e})") from None
    else:
        context = ssl.create_default_context()
    if files.cert_file and files.key_file:
        check_readable("cert_file", files.cert_file)
        check_readable("key_file", files.key_file)
        try:
            context.load_cert_chain(files.cert_file, files.key_file, password=refuse_encrypted_key)
        except TlsError as e:
            raise TlsError(f"key_file {files.key_file}: {e}") from None
        except ssl.SSLError as e:
            raise TlsError(
                f"cert_file {files.cert_file} and key_file {files.key_file}: not a certificate and its key "
                f"({e.reason or e})"
            ) from None
    return context


class SubgraphTls:
    """The SSL context of each subgraph, one per distinct configuration; built at once."""

    def __init__(self, default: TlsFiles, per_subgraph: dict[str, TlsFiles] | None = None) -> None:
        self.default = default
        self.per_subgraph = {name: default.overridden_by(files) for name, files in (per_subgraph or {}).items()}
        self._contexts: dict[TlsFiles, ssl.SSLContext] = {}
        self._warned: set[str] = set()
        named = [(f"subgraphs.tls.per_subgraph.{name}", files) for name, files in self.per_subgraph.items()]
        for where, files in [("subgraphs.tls", default), *named]:
            if files not in self._contexts:
                try:
                    self._contexts[files] = client_context(files)
                except TlsError as e:
                    raise TlsError(f"{where}: {e}") from None

    def context(self, service: str) -> ssl.SSLContext:
        return self._contexts[self.per_subgraph.get(service, self.default)]

    def context_for(self, service: str, url: str) -> ssl.SSLContext | None:
        """The context for `url` of `service`: None for an http URL (no TLS)."""
        return self.context(service) if url.startswith(("https://", "wss://")) else None

    def mismatches(self, urls: Mapping[str, str]) -> list[str]:
        """What in this configuration cannot apply to a supergraph whose subgraphs are at `urls`:
        a per-subgraph entry for a name it has not (a typo leaves its subgraph on the defaults),
        and a subgraph reached over plain http, which this TLS never protects."""
        found = [
            f"subgraphs.tls.per_subgraph.{name}: the supergraph has no subgraph {name!r} "
            f"(its subgraphs: {', '.join(sorted(urls))})"
            for name in self.per_subgraph
            if name not in urls
        ]
        found += [
            f"subgraph {name!r} is reached over plain http ({url}): subgraphs.tls does not apply to it"
            for name, url in sorted(urls.items())
            if url.startswith(("http://", "ws://"))
        ]
        return found

    def warn_about(self, urls: Mapping[str, str]) -> None:
        """Log each of `mismatches` once per process (a reload to the same subgraphs stays quiet)."""
        for message in self.mismatches(urls):
            if message not in self._warned:
                self._warned.add(message)
                log.warning("%s", message)
