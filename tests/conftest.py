"""Fixtures shared by every test package: the real database services of this machine.

A test that needs a service skips with a clear reason when the service is absent on a
developer's machine; in CI (CI=true) an absent service is a failure, never a skip.
"""

from __future__ import annotations

import os
import socket

import pytest

POSTGRES = ("127.0.0.1", 5432)
MARIADB = ("127.0.0.1", 3306)


def service_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    if service_answers(host, port):
        return
    reason = f"{name} does not answer on {host}:{port}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (in CI a missing service is a failure)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """SQLAlchemy async URL of the machine's PostgreSQL (trust auth, database `test`)."""
    require_service("PostgreSQL", *POSTGRES)
    return "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def mariadb_url() -> str:
    """SQLAlchemy async URL of the machine's MariaDB (root, empty password, database `test`)."""
    require_service("MariaDB", *MARIADB)
    return "mysql+aiomysql://root:@127.0.0.1:3306/test"


@pytest.fixture(scope="session", autouse=True)
def _state_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Gateways following a registry save their last supergraph under $SPLP_STATE_DIR: in the
    tests, a folder of the session's own, never the user's ~/.cache."""
    os.environ["SPLP_STATE_DIR"] = str(tmp_path_factory.mktemp("splp-state"))
