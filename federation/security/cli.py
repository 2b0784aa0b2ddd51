"""`splp security api-key | hash-key`: API keys for the registered machine clients.

    splp security api-key              a new key (give it to the client) and its digest (for clients.yaml)
    splp security hash-key KEY         the digest of a key, as clients.yaml stores it
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from federation.security.clients import hash_api_key, new_api_key


def add_commands(subparsers: Any) -> None:
    security = subparsers.add_parser("security", help="API keys of the registered machine clients")
    commands = security.add_subparsers(dest="security_command", required=True)
    make = commands.add_parser("api-key", help="make a new API key and print it with its digest")
    make.set_defaults(func=run_api_key)
    digest = commands.add_parser("hash-key", help="print the digest of an API key (clients.yaml: api_keys)")
    digest.add_argument("key", nargs="?", help="the key (default: read from standard input)")
    digest.set_defaults(func=run_hash_key)


def run_api_key(args: argparse.Namespace) -> int:
    key = new_api_key()
    print(f"key:    {key}")
    print(f"digest: {hash_api_key(key)}")
    return 0


def run_hash_key(args: argparse.Namespace) -> int:
    key = (args.key or sys.stdin.readline()).strip()
    if not key:
        print("error: give the key, as an argument or on standard input", file=sys.stderr)
        return 2
    print(hash_api_key(key))
    return 0
