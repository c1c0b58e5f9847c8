"""The `pufa` command as a user runs it: a real subprocess, real files, the JSON contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bot_harness import add_urgent_entry
from conftest import MEDICINE_REFERRAL, PROVOKED_DOG_FAQ, REPO_ROOT

CONTRACT_KEYS = {"status", "faq_id", "score", "answer", "citations", "suggestions"}


def run_pufa(args: list[str], knowledge_dir: Path, tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PUFA_KNOWLEDGE_DIR": str(knowledge_dir), "PUFA_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "pufa.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
    )


def test_ask_json_stdin_answers_every_line_in_order(knowledge_dir: Path, tmp_path: Path) -> None:
    lines = [
        "被狗咬了谁赔偿",
        "",
        "狗" * 10_000,
        "😀🇨🇳👨‍👩‍👧 emoji only",
        "\x00\x07\x1b[31m控制字符\u200b\u202e",
        "English 混合 русский العربية",
        "'; DROP TABLE faqs; -- <script>alert(1)</script>",
        "民法典第1245条",
    ]
    done = run_pufa(["ask", "--json", "-"], knowledge_dir, tmp_path, stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    outputs = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(outputs) == len(lines)
    for payload in outputs:
        assert set(payload) == CONTRACT_KEYS
        assert payload["status"] in ("answered", "suggest", "fallback")
    assert outputs[0]["faq_id"] == "injury.dog-bite"
    assert outputs[1]["status"] == "fallback"
    assert outputs[-1]["citations"] == [{"law": "民法典", "article": 1245}]


def test_ask_readable_shows_answer_citation_and_disclaimer(knowledge_dir: Path, tmp_path: Path) -> None:
    done = run_pufa(["ask", "包工头跑了工钱拿不到咋个办"], knowledge_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "《劳动合同法》第30条" in done.stdout
    assert "12348" in done.stdout


def test_ask_lists_suggestions_without_inviting_a_number_it_cannot_read(knowledge_dir: Path, tmp_path: Path) -> None:
    done = run_pufa(["ask", "赔偿"], knowledge_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "您看是不是下面这些" in done.stdout and "  1. " in done.stdout
    assert "回个数字就行" not in done.stdout and "都不是" not in done.stdout


def test_suggestions_led_by_an_urgent_entry_show_its_emergency_step_first(knowledge_dir: Path, tmp_path: Path) -> None:
    add_urgent_entry(knowledge_dir)
    done = run_pufa(["ask", "他打我"], knowledge_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "【紧急】马上拨打 110 报警，先躲到安全的地方。"
    assert "您看是不是下面这些" in lines[1] and lines[2] == "  1. 正在被家暴怎么办？"


def test_chat_picks_a_suggestion_by_number(knowledge_dir: Path, tmp_path: Path) -> None:
    done = run_pufa(["chat"], knowledge_dir, tmp_path, stdin="你好\n赔偿\n1\nq\n")
    assert done.returncode == 0, done.stderr
    assert "普法小助手" in done.stdout
    assert "回个数字就行" in done.stdout
    assert "依据：" in done.stdout and "再见" in done.stdout


def test_chat_lists_the_alternatives_under_an_answer_and_picks_one_by_number(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    (knowledge_dir / "faqs" / "provoked.yaml").write_text(PROVOKED_DOG_FAQ, encoding="utf-8")
    done = run_pufa(["chat"], knowledge_dir, tmp_path, stdin="被狗咬伤了狗主人赔不赔\n1\nq\n")
    assert done.returncode == 0, done.stderr
    first, picked = done.stdout.split("问> ")[1:3]
    assert "故意逗惹" in first
    assert "没说到点子上" in first and "  1. 被别人家的狗咬伤了，谁来赔偿？" in first
    assert "养狗的人赔" in picked


def test_chat_refers_a_question_outside_the_law_and_kb_check_flags_an_entry_it_would_take(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    (knowledge_dir / "referrals.yaml").write_text(MEDICINE_REFERRAL, encoding="utf-8")
    done = run_pufa(["chat"], knowledge_dir, tmp_path, stdin="老汉儿咳嗽好几天了吃啥子药\nq\n")
    assert done.returncode == 0, done.stderr
    assert "看病吃药要问医生，请到村卫生室或镇卫生院。" in done.stdout
    assert "您看是不是下面这些" not in done.stdout
    # A phrasing that belongs to the referral, written into a legal entry, is a collision: kb check
    # says the question would be referred away instead of answered.
    greedy = PROVOKED_DOG_FAQ.replace("    - 逗狗遭咬了找哪个赔\n", "    - 逗狗遭咬了找哪个赔\n    - 头痛咳嗽吃啥子药\n")
    assert greedy != PROVOKED_DOG_FAQ
    (knowledge_dir / "faqs" / "provoked.yaml").write_text(greedy, encoding="utf-8")
    done = run_pufa(["kb", "check", "--laws", str(tmp_path / "no-laws")], knowledge_dir, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert '"头痛咳嗽吃啥子药" would be referred to refer.medicine' in done.stdout


def test_eval_scores_a_labelled_file_by_kind_and_rescores_rows_citing_laws_it_carries(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    (knowledge_dir / "referrals.yaml").write_text(MEDICINE_REFERRAL, encoding="utf-8")
    rows = [
        {"id": "a", "question": "包工头跑了工钱拿不到咋个办", "expect": ["劳动合同法:30"], "kind": "colloquial"},
        {"id": "b", "question": "被别人家的狗咬伤了，谁来赔偿？", "expect": ["民法典:1179"], "kind": "colloquial"},
        {"id": "c", "question": "老汉儿咳嗽好几天了吃啥子药", "expect": [], "kind": "oos"},
        {"id": "d", "question": "商标被抢注了咋个办", "expect": ["商标法:32"], "kind": "colloquial"},
    ]
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    done = run_pufa(["eval", str(labelled), "--verbose"], knowledge_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "b WRONG: 被别人家的狗咬伤了，谁来赔偿？ -> injury.dog-bite ['民法典:1245'] expected ['民法典:1179']" in lines
    # Of the three in-scope rows one is answered right and one wrongly; the out-of-scope row is referred.
    in_scope = next(line for line in lines if line.startswith("in_scope")).split()
    assert in_scope[1:5] == ["3", "0.333", "0.333", "0.333"]
    assert next(line for line in lines if line.startswith("oos")).split()[1:] == [
        "1", "1.000", "1.000", "0.000", "0.000", "0.000", "1.000", "1.000"]
    assert "rows whose expected articles include a law pufa carries (3 of 4):" in lines
    assert "precision of answers (in scope): 0.500 (1/2)" in lines


def test_broken_knowledge_base_exits_2_with_file_and_line(knowledge_dir: Path, tmp_path: Path) -> None:
    (knowledge_dir / "faqs" / "broken.yaml").write_text("- id: x.y\n  question: [oops\n", encoding="utf-8")
    done = run_pufa(["kb", "check"], knowledge_dir, tmp_path)
    assert done.returncode == 2
    assert "faqs/broken.yaml:3: YAML syntax" in done.stderr
    assert "Traceback" not in done.stderr


def test_kb_check_flags_thin_entries_and_exits_nonzero(knowledge_dir: Path, tmp_path: Path) -> None:
    done = run_pufa(["kb", "check", "--laws", str(tmp_path / "no-laws")], knowledge_dir, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 entries checked, 0 problem(s)" in done.stdout


def test_statutes_import_then_law_lookup_and_search(knowledge_dir: Path, tmp_path: Path, laws_dir: Path) -> None:
    folder = tmp_path / "laws"
    folder.mkdir()
    (folder / "道路交通安全法.md").write_text(
        (laws_dir / "道路交通安全法.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    imported = run_pufa(["statutes", "import", str(folder)], knowledge_dir, tmp_path)
    assert imported.returncode == 0 and "道路交通安全法: 124 articles" in imported.stdout
    shown = run_pufa(["law", "道路交通安全法", "91"], knowledge_dir, tmp_path)
    assert shown.stdout.startswith("第九十一条 饮酒后驾驶机动车的")
    found = run_pufa(["law", "--search", "醉酒 营运"], knowledge_dir, tmp_path)
    assert "第91条" in found.stdout
    routed = run_pufa(["ask", "--json", "道交法第九十一条"], knowledge_dir, tmp_path)
    assert json.loads(routed.stdout)["answer"].startswith("第九十一条 饮酒后驾驶机动车的")
    chat = run_pufa(["chat"], knowledge_dir, tmp_path, stdin="喝了酒开车会怎么处罚？\n原文\nq\n")
    assert "《道路交通安全法》第91条\n第九十一条 饮酒后驾驶机动车的" in chat.stdout


def test_chat_says_when_article_texts_are_not_imported(knowledge_dir: Path, tmp_path: Path) -> None:
    chat = run_pufa(["chat"], knowledge_dir, tmp_path, stdin="喝了酒开车会怎么处罚？\n原文\nq\n")
    assert "《道路交通安全法》第91条：这一条的原文暂时没有收录" in chat.stdout


@pytest.mark.parametrize("question", ["民法典第1079条说的啥", "消法第29条是管啥的"])
def test_article_questions_fall_back_honestly_without_texts_or_faqs(
    knowledge_dir: Path, tmp_path: Path, question: str
) -> None:
    payload = json.loads(run_pufa(["ask", "--json", question], knowledge_dir, tmp_path).stdout)
    assert payload["status"] != "answered"


def test_kb_check_fails_on_an_alternate_the_matcher_would_answer_with_another_entry(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    faqs = knowledge_dir / "faqs" / "small.yaml"
    text = faqs.read_text(encoding="utf-8")
    # An alternate of the dog-bite entry that is really the drunk-driving question.
    faqs.write_text(
        text.replace("    - 狗咬人 赔偿\n", "    - 狗咬人 赔偿\n    - 喝了酒开车会遭交警怎么处罚\n", 1),
        encoding="utf-8",
    )
    done = run_pufa(["kb", "check", "--laws", str(tmp_path / "no-laws")], knowledge_dir, tmp_path)
    assert done.returncode == 1, done.stdout
    assert 'injury.dog-bite: "喝了酒开车会遭交警怎么处罚" would be answered with traffic.drunk-driving' in done.stdout
    assert "faqs/small.yaml:1:" in done.stdout
