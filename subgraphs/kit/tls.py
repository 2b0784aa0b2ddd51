"""Serving a subgraph over TLS, and answering only clients with a certificate from a given CA.

With a client CA, the subgraph requires mutual TLS: a connection without a certificate signed
by that CA (the gateway's, `subgraphs.tls` in its splp.yaml) is refused in the TLS handshake,
before any HTTP is read. That is the second layer beside the gateway's request signature
(`subgraphs.kit.signing`), and the one that holds when several workers share a port.

    splp subgraph serve kependudukan --tls-cert server.pem --tls-key server.key --tls-client-ca gateway-ca.pem

or `SPLP_TLS_CERT_FILE`, `SPLP_TLS_KEY_FILE` and `SPLP_TLS_CLIENT_CA_FILE`.
"""

from __future__ import annotations

import ssl
from typing import Any


class TlsError(ValueError):
    """The TLS files cannot serve; the message names the file."""


def check_readable(option: str, path: str) -> None:
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as e:
        raise TlsError(f"{option} {path}: cannot be read: {e.strerror or e}") from None


def refuse_encrypted_key() -> str:
    # OpenSSL would otherwise ask for the passphrase on the terminal and wait.
    raise TlsError("is encrypted; give an unencrypted key (kept as a secret file)")


def uvicorn_tls_options(
    cert_file: str | None, key_file: str | None, client_ca_file: str | None
) -> dict[str, Any]:
    """uvicorn's `ssl_*` options for these files ({} without any: plain HTTP); raises `TlsError`.

    The files are tried here, so a wrong one is a one-line refusal, not uvicorn's traceback."""
    if not (cert_file or key_file or client_ca_file):
        return {}
    if not (cert_file and key_file):
        raise TlsError("--tls-cert and --tls-key go together (a client CA needs them too: mTLS is TLS first)")
    check_readable("--tls-cert", cert_file)
    check_readable("--tls-key", key_file)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert_file, key_file, password=refuse_encrypted_key)
    except TlsError as e:
        raise TlsError(f"--tls-key {key_file}: {e}") from None
    except ssl.SSLError as e:
        raise TlsError(
            f"--tls-cert {cert_file} and --tls-key {key_file}: not a certificate and its key ({e.reason or e})"
        ) from None
    options: dict[str, Any] = {"ssl_certfile": cert_file, "ssl_keyfile": key_file}
    if client_ca_file:
        check_readable("--tls-client-ca", client_ca_file)
        try:
            context.load_verify_locations(client_ca_file)
        except ssl.SSLError as e:
            raise TlsError(
                f"--tls-client-ca {client_ca_file}: holds no usable CA certificate ({e.reason or e})"
            ) from None
        options |= {"ssl_ca_certs": client_ca_file, "ssl_cert_reqs": ssl.CERT_REQUIRED}
    return options

