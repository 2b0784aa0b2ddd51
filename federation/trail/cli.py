"""`splp trail verify | export | keygen`: the data-protection officer's tools."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from federation.trail.chain import SigningKey, load_public_key
from federation.trail.store import export, iter_csv_rows, verify


def add_commands(subparsers: Any) -> None:
    trail = subparsers.add_parser("trail", help="the access trail: verify its chain, export a citizen's records")
    commands = trail.add_subparsers(dest="trail_command", required=True)

    check = commands.add_parser("verify", help="check the hash chain and signed checkpoints (exit 0 when intact)")
    check.add_argument("--database", required=True, help="the trail's database URL (postgresql://… or sqlite:///…)")
    check.add_argument("--public-key", help="PEM Ed25519 public key the checkpoints are signed with")
    check.set_defaults(func=run_verify)

    report = commands.add_parser("export", help="the records about one citizen, for the DPO (JSON or CSV)")
    report.add_argument("--database", required=True)
    report.add_argument("--nik", required=True)
    report.add_argument("--from", dest="start", help="first day (YYYY-MM-DD), inclusive")
    report.add_argument("--to", dest="end", help="last day (YYYY-MM-DD), inclusive")
    report.add_argument("--format", choices=("json", "csv"), default="json")
    report.add_argument("--output", help="file to write (default: standard output)")
    report.set_defaults(func=run_export)

    keygen = commands.add_parser("keygen", help="make the Ed25519 key pair that signs the trail's checkpoints")
    keygen.add_argument("--private-key", required=True)
    keygen.add_argument("--public-key", required=True)
    keygen.set_defaults(func=run_keygen)


def run_verify(args: argparse.Namespace) -> int:
    try:
        public = load_public_key(args.public_key) if args.public_key else None
        verdict = asyncio.run(verify(args.database, public))
    except (OSError, ValueError, SQLAlchemyError) as e:
        print(f"error: {str(e).splitlines()[0][:300]}", file=sys.stderr)
        return 2
    if verdict.ok:
        signed = "signed" if public is not None else "unchecked: no --public-key"
        print(f"trail intact: {verdict.records} records, {verdict.checkpoints} checkpoints ({signed})")
        return 0
    print(f"trail broken at record {verdict.seq}: {verdict.problem}", file=sys.stderr)
    return 1


def _day(value: str | None, name: str, after: bool = False) -> str | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"error: {name} takes a date YYYY-MM-DD, got {value[:40]!r}") from None
    return (day + timedelta(days=1 if after else 0)).isoformat() + "T00:00:00.000000Z"


def run_export(args: argparse.Namespace) -> int:
    if not (args.nik.isdigit() and len(args.nik) == 16):
        print("error: --nik takes a 16-digit NIK", file=sys.stderr)
        return 2
    try:
        found = asyncio.run(export(args.database, args.nik, _day(args.start, "--from"), _day(args.end, "--to", True)))
    except (OSError, SQLAlchemyError) as e:
        print(f"error: {str(e).splitlines()[0][:300]}", file=sys.stderr)
        return 2
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        if args.format == "json":
            keep = ("seq", "at", "client", "subject", "role", "purpose", "operation", "fields", "outcome")
            json.dump(
                {"nik": args.nik, "records": [{k: r.get(k) for k in keep} for r in found]},
                out,
                indent=2,
                ensure_ascii=False,
            )
            out.write("\n")
        else:
            csv.writer(out).writerows(iter_csv_rows(found))
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def run_keygen(args: argparse.Namespace) -> int:
    key = SigningKey.generate()
    private = Path(args.private_key)
    private.write_bytes(key.private_pem())
    private.chmod(0o600)
    Path(args.public_key).write_bytes(key.public_pem())
    print(f"checkpoint key {key.key_id}: private {private}, public {args.public_key}")
    return 0
