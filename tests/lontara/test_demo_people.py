"""The demo's tokens for Lontara Plus's staff are the people of the demo complaint, whether
printed by `splp demo`, asked with `splp demo token ROLE` or picked in GraphiQL: the officer a
coordinator assigns from the staff directory is the one whose token then works the complaint."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest

from federation.cli import main
from federation.security.demo import PEOPLE, DemoIdentity, people_tokens
from subgraphs.seed.aduan import officers


def _claims(token: str) -> dict[str, str]:
    found: dict[str, str] = jwt.decode(token, options={"verify_signature": False})
    return found


def test_the_officers_token_is_an_officer_of_the_staff_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "token", "petugas_lapangan", "--data-dir", str(tmp_path)]) in (0, None)
    claims = _claims(capsys.readouterr().out.strip())
    directory = {o["sub"]: o["opd"] for o in officers()}
    assert directory[claims["sub"]] == claims["opd"] == "DINAS_PU"


def test_every_way_to_a_staff_token_gives_the_same_person(tmp_path: Path) -> None:
    identity = DemoIdentity.in_folder(tmp_path)
    printed = people_tokens(identity, "7371041605990001")
    for role in PEOPLE:
        if role != "warga":
            asked, shown = _claims(identity.token(role)), _claims(printed[role])
            assert (asked["sub"], asked.get("opd")) == (shown["sub"], shown.get("opd"))
