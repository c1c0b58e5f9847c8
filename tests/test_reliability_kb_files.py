"""Bad knowledge-base files: `pufa kb check` names each with file and line, /reload keeps the old base serving.

Every mistake a clerk (or a pasted file) can make: broken syntax, tabs, wrong types, missing fields,
duplicate ids across files, a 10 MB file, a billion-laughs YAML bomb, thousands of nested brackets, a NUL
character, and a bomb in a registry file rather than an FAQ file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bot_harness import ADMIN_ID, VILLAGER_ID, bot_settings, running_bot
from conftest import REPO_ROOT

from knowledge.loader import MAX_FILE_BYTES
from pufa.cli import main

TEN_MB = 10 * 1024 * 1024
BILLION_LAUGHS = "".join(
    [f"l0: &l0 [{', '.join(['lol'] * 9)}]\n"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)]
)
VALID_REST = "  alternates: [a]\n  answer: a\n  citations: [{law: 民法典, article: 10}]\n  topic: personal_injury\n"

# (file name, content, the problem `kb check` must print for it)
BAD_FILES = [
    ("faqs/syntax.yaml", "- id: x.a\n  question: \"unclosed\n  answer: x\n",
     "faqs/syntax.yaml:4: YAML syntax: found unexpected end of stream"),
    ("faqs/tabs.yaml", "- id: x.a\n\tquestion: q\n", "faqs/tabs.yaml:2: YAML syntax: found character '\\t'"),
    ("faqs/types.yaml", "- id: x.types\n  question: [not, text]\n  alternates: just a string\n  answer: {a: 1}\n"
     "  citations: 5\n  topic: personal_injury\n  urgent: maybe\n", "faqs/types.yaml:5: `citations` must be a list"),
    ("faqs/missing.yaml", "- id: x.missing\n  answer: a\n", "faqs/missing.yaml:1: entry x.missing is missing `question`"),
    ("faqs/dup.yaml", "- id: traffic.drunk-driving\n  question: q\n" + VALID_REST,
     "faqs/small.yaml:51: duplicate id 'traffic.drunk-driving' (first defined at"),
    ("faqs/huge.yaml", None, f"faqs/huge.yaml:0: file is 10,485,760 bytes, over the {MAX_FILE_BYTES:,}-byte limit"),
    ("faqs/bomb.yaml", BILLION_LAUGHS, "faqs/bomb.yaml:2: YAML syntax: anchors and aliases"),
    ("faqs/deep.yaml", "[" * 50_000 + "]" * 50_000, "faqs/deep.yaml:1: YAML syntax: nested more than"),
    ("faqs/nul.yaml", "- id: x.nul\n  question: a\x00b\n", "faqs/nul.yaml:2: character U+0000 is not allowed"),
    ("synonyms.yaml", BILLION_LAUGHS, "synonyms.yaml:2: YAML syntax: anchors and aliases"),
]


def write_bad_file(knowledge_dir: Path, name: str, content: str | None) -> None:
    path = knowledge_dir / name
    if content is None:  # the 10 MB file: valid-looking YAML, far over the limit
        entry = "- id: x.big\n  question: " + "很长的问题" * 1000 + "\n"
        content = (entry * (TEN_MB // len(entry.encode()) + 1))
        path.write_bytes(content.encode()[:TEN_MB])
        return
    path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES, ids=[n for n, _, _ in BAD_FILES])
def test_kb_check_names_each_bad_file_with_its_line(
        knowledge_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        name: str, content: str | None, expected: str) -> None:
    write_bad_file(knowledge_dir, name, content)
    monkeypatch.setenv("PUFA_KNOWLEDGE_DIR", str(knowledge_dir))
    monkeypatch.setenv("PUFA_DATA_DIR", str(tmp_path / "data"))
    assert main(["kb", "check"]) == 2
    err = capsys.readouterr().err
    assert expected in err, err
    assert "Traceback" not in err


def test_every_bad_file_at_once_is_reported_by_the_real_command_without_hanging(
        knowledge_dir: Path, tmp_path: Path) -> None:
    for name, content, _ in BAD_FILES:
        write_bad_file(knowledge_dir, name, content)
    env = {**os.environ, "PUFA_KNOWLEDGE_DIR": str(knowledge_dir), "PUFA_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "pufa.cli", "kb", "check"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    for _, _, expected in BAD_FILES:
        assert expected in done.stderr
    assert "Traceback" not in done.stderr


async def test_reload_refuses_each_bad_file_and_the_old_base_keeps_answering(
        tmp_path: Path, knowledge_dir: Path) -> None:
    async with running_bot(bot_settings(tmp_path, knowledge_dir)) as bot:
        api = bot.api
        before = bot.services.engine.current
        for index, (name, content, expected) in enumerate(BAD_FILES):
            original = (knowledge_dir / name).read_bytes() if (knowledge_dir / name).exists() else None
            write_bad_file(knowledge_dir, name, content)
            await api.send_text(ADMIN_ID, "/reload")
            refusal = (await api.wait_sent(index + 1, chat_id=ADMIN_ID, timeout=30))[-1]
            assert "仍在使用原来的版本" in refusal.text and expected.split(": ", 1)[0] in refusal.text, refusal.text
            await api.send_text(VILLAGER_ID, "喝了酒开车会怎么处罚？")
            answer = (await api.wait_sent(index + 1, chat_id=VILLAGER_ID))[-1]
            assert "代驾" in answer.text
            assert bot.services.engine.current is before
            if original is None:
                (knowledge_dir / name).unlink()
            else:
                (knowledge_dir / name).write_bytes(original)
        await api.send_text(ADMIN_ID, "/reload")
        ok = (await api.wait_sent(len(BAD_FILES) + 1, chat_id=ADMIN_ID))[-1]
    assert "4 条" in ok.text and bot.services.engine.current is not before
