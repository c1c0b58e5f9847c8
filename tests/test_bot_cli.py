"""Starting the bot from the command line: token errors, and the poster QR codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from PIL import Image

from pufa.cli import main


@pytest.mark.parametrize(("command", "token"), [(["bot.py"], ""), (["-m", "pufa.cli", "serve"], "not-a-token")])
def test_a_missing_or_malformed_token_is_one_line_and_exit_code_2(
        tmp_path: Path, token: str, command: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update({"TELEGRAM_BOT_TOKEN": token, "PUFA_DATA_DIR": str(tmp_path)})
    done = subprocess.run([sys.executable, *command], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0] and "Traceback" not in done.stderr
    if token:
        assert token not in done.stderr, "the token is never echoed"


def test_qr_writes_one_scannable_poster_per_village(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PUFA_BOT_USERNAME", "@pufa_town_bot")
    monkeypatch.setenv("PUFA_DATA_DIR", str(tmp_path))
    assert main(["qr", "--village", "qingshan"]) == 0
    poster = tmp_path / "posters" / "qingshan.png"
    with Image.open(poster) as image:
        assert image.width >= 400 and image.height > image.width
    assert main(["qr", "--all", "--out", str(tmp_path / "all")]) == 0
    assert len(list((tmp_path / "all").glob("*.png"))) == 12
    assert main(["qr", "--village", "atlantis"]) == 2
    assert "atlantis" in capsys.readouterr().err
