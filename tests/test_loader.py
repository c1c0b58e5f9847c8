"""The loader reports every problem with file and line, and refuses unsafe or oversized YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MEDICINE_REFERRAL

from knowledge.loader import MAX_FILE_BYTES, KnowledgeBaseError, load_knowledge_base


def problems_for(knowledge_dir: Path, text: str) -> list[str]:
    (knowledge_dir / "faqs" / "broken.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(knowledge_dir)
    return [str(p) for p in caught.value.problems]


def test_small_base_loads_with_source_lines(knowledge_dir: Path) -> None:
    kb = load_knowledge_base(knowledge_dir)
    assert [f.id for f in kb.faqs] == [
        "injury.dog-bite", "family.divorce-agreement", "labor.unpaid-wages", "traffic.drunk-driving",
    ]
    dog = kb.faq("injury.dog-bite")
    assert dog is not None and dog.source is not None
    assert dog.source.path.endswith("faqs/small.yaml") and dog.source.line == 1
    assert dog.citations[0].label == "民法典:1245"
    assert kb.faq("family.divorce-agreement").source.line == 19  # type: ignore[union-attr]


BROKEN_CASES = [
    ("- id: x.a\n  question: [unclosed\n", "which began on line 2"),
    ("- id: Bad Id\n  question: q\n  alternates: [a]\n  answer: a\n  citations: [{law: 民法典, article: 1}]\n"
     "  topic: personal_injury\n", "broken.yaml:1: id 'Bad Id' must be lowercase ASCII"),
    ("- id: x.missing\n  question: q\n", "broken.yaml:1: entry x.missing is missing `answer`"),
    ("- id: x.law\n  question: q\n  alternates: [a]\n  answer: a\n  citations: [{law: 不存在法, article: 1}]\n"
     "  topic: personal_injury\n", "broken.yaml:1: x.law: unknown law '不存在法'"),
    ("- id: x.repealed\n  question: q\n  alternates: [a]\n  answer: a\n  citations: [{law: 环境保护法, article: 42}]\n"
     "  topic: environment\n", "x.repealed: 环境保护法 is repealed; cite 生态环境法典 instead"),
    ("- id: x.art\n  question: q\n  alternates: [a]\n  answer: a\n  citations: [{law: 民法典, article: 第十条}]\n"
     "  topic: personal_injury\n", "citation `article` must be a number"),
    ("- id: x.topic\n  question: q\n  alternates: [a]\n  answer: a\n  citations: [{law: 民法典, article: 10}]\n"
     "  topic: astrology\n", "unknown topic 'astrology'"),
    ("- id: x.rel\n  question: q\n  alternates: [a]\n  answer: a\n  citations: [{law: 民法典, article: 10}]\n"
     "  topic: personal_injury\n  related: [nowhere.id]\n", "related id 'nowhere.id' does not exist"),
    ("- id: injury.dog-bite\n  question: q\n  alternates: [a]\n  answer: a\n  citations: [{law: 民法典, article: 10}]\n"
     "  topic: personal_injury\n", "duplicate id 'injury.dog-bite' (first defined at"),
    ("- id: x.typo\n  question: q\n  alternate: [a]\n  answer: a\n  citations: [{law: 民法典, article: 10}]\n"
     "  topic: personal_injury\n", "unknown field(s): alternate (typo?)"),
    ("- id: x.date\n  question: q\n  alternates: [a]\n  answer: a\n  citations: [{law: 民法典, article: 10}]\n"
     "  topic: personal_injury\n  updated: yesterday\n", "broken.yaml:7: `updated` must be a date"),
    ("a: &x [1, 2]\nb: *x\n", "anchors and aliases"),
    # A second `quote:` pasted under one citation would otherwise silently replace the first.
    ("- id: x.twice\n  question: q\n  alternates: [a]\n  answer: a\n  citations:\n    - law: 民法典\n"
     "      article: 10\n      quote: 处理民事纠纷\n      quote: 应当依照法律\n  topic: personal_injury\n",
     "broken.yaml:9: YAML syntax: `quote` appears twice in the same block (first on line 8)"),
    ("- id: x.dup\n  question: q\n  alternates: [a]\n  answer: a\n  citations:\n    - law: 民法典\n"
     "      article: 10\n    - law: 民法典\n      article: 10\n      quote: 处理民事纠纷\n  topic: personal_injury\n",
     "broken.yaml:8: 《民法典》第10条 is cited twice"),
    # A keyword listed twice would silently count double in matching.
    ("- id: x.kw\n  question: q\n  alternates: [a]\n  answer: a\n  citations: [{law: 民法典, article: 10}]\n"
     "  topic: personal_injury\n  keywords: [继女, 继子, 继女]\n", "broken.yaml:7: `keywords` lists 继女 more than once"),
    ("just a string\n", "an FAQ file must be a list of entries"),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN_CASES)
def test_each_mistake_is_named_with_file_and_line(knowledge_dir: Path, text: str, expected: str) -> None:
    problems = problems_for(knowledge_dir, text)
    assert any(expected in p for p in problems), problems


def test_all_problems_are_reported_not_just_the_first(knowledge_dir: Path) -> None:
    text = (
        "- id: x.one\n  question: q\n"
        "- id: x.two\n  question: q\n  alternates: [a]\n  answer: a\n  citations: [{law: 假法, article: 1}]\n"
        "  topic: personal_injury\n"
    )
    problems = problems_for(knowledge_dir, text)
    assert any("broken.yaml:1:" in p for p in problems)
    assert any("broken.yaml:3:" in p and "假法" in p for p in problems)


def test_oversized_file_is_refused_before_parsing(knowledge_dir: Path) -> None:
    problems = problems_for(knowledge_dir, "#" * (MAX_FILE_BYTES + 1))
    assert any("over the" in p and "byte limit" in p for p in problems)


def test_non_utf8_file_is_named(knowledge_dir: Path) -> None:
    (knowledge_dir / "faqs" / "gbk.yaml").write_bytes("- id: 中文".encode("gbk"))
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(knowledge_dir)
    assert any("gbk.yaml:0: file is not UTF-8" in str(p) for p in caught.value.problems)


def test_a_malformed_angle_in_the_lexicon_is_named_with_its_line(knowledge_dir: Path) -> None:
    lexicon = knowledge_dir / "synonyms.yaml"
    text = lexicon.read_text(encoding="utf-8")
    assert "\n  赔偿: [赔, 补偿]\n" in text
    lexicon.write_text(text.replace("\n  赔偿: [赔, 补偿]\n", "\n  赔偿: {赔: 补偿}\n"), encoding="utf-8")
    line = text.split("\n").index("  赔偿: [赔, 补偿]") + 1
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(knowledge_dir)
    [problem] = [str(p) for p in caught.value.problems]
    assert f"synonyms.yaml:{line}:" in problem and "angles: 赔偿" in problem


@pytest.mark.parametrize(
    ("keep", "complaint"),
    [("老公", "both a synonym and a word to keep"), ("苹果树", "touches no synonym")],
)
def test_a_useless_word_to_keep_is_named_with_its_line(knowledge_dir: Path, keep: str, complaint: str) -> None:
    lexicon = knowledge_dir / "synonyms.yaml"
    text = lexicon.read_text(encoding="utf-8")
    lines = text.split("\n")
    line = next(i for i, row in enumerate(lines, 1) if row.startswith("keep: ["))
    lines[line - 1] = lines[line - 1].replace("keep: [", f"keep: [{keep}, ")
    lexicon.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(knowledge_dir)
    [problem] = [str(p) for p in caught.value.problems]
    assert f"synonyms.yaml:{line}:" in problem and keep in problem and complaint in problem


def test_referral_subjects_load_as_entries_outside_the_faqs(knowledge_dir: Path) -> None:
    (knowledge_dir / "referrals.yaml").write_text(MEDICINE_REFERRAL, encoding="utf-8")
    kb = load_knowledge_base(knowledge_dir)
    [medicine] = kb.referrals
    assert medicine.referral and medicine.id == "refer.medicine" and medicine.question == "看病吃药"
    assert medicine.alternates[0] == "感冒了吃啥子药好得快" and medicine.citations == ()
    assert medicine.source is not None and medicine.source.line == 1
    assert "refer.medicine" not in [f.id for f in kb.faqs] and kb.faq("refer.medicine") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- id: refer.a\n  subject: 天气\n  phrasings: [明天下雨不]\n", "referrals.yaml:1: subject refer.a is missing `reply`"),
        ("- id: refer.a\n  subject: 天气\n  phrasings: [明天下雨不]\n  reply: 看天气预报。\n  answer: x\n",
         "referrals.yaml:1: unknown field(s): answer"),
        ("- id: injury.dog-bite\n  subject: 狗\n  phrasings: [狗]\n  reply: 问兽医。\n",
         "referrals.yaml:1: duplicate id 'injury.dog-bite'"),
        ("subject: 天气\n", "referrals.yaml:1: referrals.yaml must be a list"),
    ],
)
def test_referral_mistakes_are_named_with_file_and_line(knowledge_dir: Path, text: str, expected: str) -> None:
    (knowledge_dir / "referrals.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(knowledge_dir)
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems
