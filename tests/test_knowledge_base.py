"""Convention tests that keep the bundled knowledge base honest as it grows."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from knowledge import BUNDLED_KNOWLEDGE_DIR
from knowledge.audit import MAX_ANSWER_CHARS, MIN_ALTERNATES, base_problems, check_citations
from knowledge.evaluation import evaluate, read_labelled
from knowledge.loader import load_knowledge_base
from knowledge.matcher import Matcher
from knowledge.messages import load_messages
from knowledge.model import KnowledgeBase, Outcome
from knowledge.replies import load_replies
from knowledge.statutes import read_statute_file

# Questions that reveal danger now must reach an urgent entry (its answer starts with the emergency step).
DANGER_NOW = [
    "老公正在打我，我该怎么办",
    "我刚刚给骗子转了五万块钱",
    "工地上有人从架子上摔下来了，流了好多血",
    "邻居家的小孩被他爸关在屋里打，天天哭",
    "有人下窨井修管子，晕在下面不动了",
    "村里有个女的是被拐卖来的，现在被那家人锁在屋里不准走",
    "我爸跟我妈吵了架，说活起没意思，一个人往河边走了",
    "我实在撑不下去了，想吃安眠药",
    "快来人，隔壁的小孙子掉进鱼塘里了",
    "那个人提着菜刀追过来要砍我",
]


@lru_cache(maxsize=1)
def bundled() -> tuple[KnowledgeBase, Matcher]:
    kb = load_knowledge_base(BUNDLED_KNOWLEDGE_DIR)
    return kb, Matcher(kb)


def test_the_bundled_base_passes_kb_check() -> None:
    """What `pufa kb check` fails on, for the bundled base: no phrasing that, held out, another entry would
    answer, no near-duplicate entries, no thin ones. A matcher change can create collisions without touching
    a YAML file (session 14's vague-question rule did), so CI checks the base, not only the office."""
    problems, _ = base_problems(*bundled())
    assert problems == [], [str(p) for p in problems]


def test_bundled_base_loads_and_is_substantial() -> None:
    kb, _ = bundled()
    assert len(kb.faqs) >= 60
    assert len({f.topic for f in kb.faqs}) >= 10
    load_replies(BUNDLED_KNOWLEDGE_DIR)


def test_every_entry_has_enough_alternates_and_a_short_answer() -> None:
    kb, _ = bundled()
    for faq in kb.faqs:
        assert len(faq.alternates) >= MIN_ALTERNATES, faq.id
        assert len(faq.answer) <= MAX_ANSWER_CHARS, faq.id
        assert faq.citations, faq.id


def test_every_citation_exists_and_every_quote_is_exact(laws_dir: Path) -> None:
    kb, _ = bundled()
    problems = check_citations(kb, laws_dir)
    assert problems == [], "\n".join(map(str, problems))
    assert sum(1 for f in kb.faqs for c in f.citations if c.quote) >= len(kb.faqs) // 2


def test_no_entry_cites_a_repealed_law() -> None:
    kb, _ = bundled()
    for faq in kb.faqs:
        for citation in faq.citations:
            assert kb.laws[citation.law].in_force, (faq.id, citation.law)


def test_each_entry_is_found_by_its_own_question() -> None:
    kb, matcher = bundled()
    missed = []
    for faq in kb.faqs:
        result = matcher.match(faq.question)
        found = [result.faq] if result.faq else list(result.suggestions)
        own = {c.label for c in faq.citations}
        if not any(f and (f.id == faq.id or own & {c.label for c in f.citations}) for f in found):
            missed.append(faq.id)
    assert len(missed) <= len(kb.faqs) // 50, missed


def test_the_welcome_examples_are_answered_by_the_bundled_base() -> None:
    # /start offers these as buttons "点一下就能看回答": each must get an answer, not a list.
    _, matcher = bundled()
    for question in load_messages(BUNDLED_KNOWLEDGE_DIR / "messages.yaml").items("examples"):
        assert matcher.match(question).status is Outcome.ANSWERED, question


@pytest.mark.parametrize(
    ("question", "faq_id"),
    [
        ("隔壁屋头的狗把我咬伤了，医药费该哪个赔", "injury.dog-bite"),  # 隔壁屋头 -> 邻居家里
        ("我们两个协议离昏去哪里办", "family.divorce-agreement"),  # pinyin typo 离昏
        ("喝了酒开车遭抓了醉架怎么判", "traffic.drunk-driving"),  # 遭 (passive) and 醉架
    ],
)
def test_dialect_and_typo_questions_are_answered_by_the_bundled_base(question: str, faq_id: str) -> None:
    _, matcher = bundled()
    result = matcher.match(question)
    assert result.status is Outcome.ANSWERED, result
    assert result.faq is not None and result.faq.id == faq_id


def test_greeting_fillers_never_remove_the_subject_of_a_question() -> None:
    """Fillers are cut wherever they occur, so a filler must never be a word a question can be about:
    律师 and 老师 once were (律师，请问… / 老师好), and 请不起律师 lost its lawyer."""
    _, matcher = bundled()
    assert "律师" in matcher.analyzer.analyze("屋头莫得钱请律师咋个办").words
    assert "老师" in matcher.analyzer.analyze("老师打学生手心合法吗").words
    assert "律师" not in matcher.analyzer.analyze("律师好，想问一下离婚的事").words


@pytest.mark.parametrize("question", DANGER_NOW)
def test_danger_now_reaches_an_urgent_entry(question: str) -> None:
    _, matcher = bundled()
    result = matcher.match(question)
    candidates = [result.faq] if result.status is Outcome.ANSWERED else list(result.suggestions)
    assert any(f is not None and f.urgent for f in candidates), (question, result.to_json())


def test_a_bare_article_number_gets_the_entry_that_rests_on_it() -> None:
    """Several entries cite 民法典 1079; asked for the article alone, the answer is an entry citing it first (its
    basis: divorce by lawsuit), not the cooling-off entry earlier in the files that cites it for a closing remark."""
    _, matcher = bundled()
    for question, label in (("民法典第1079条", "民法典:1079"), ("民法典第1245条", "民法典:1245")):
        result = matcher.match(question)
        assert result.faq is not None and result.faq.citations[0].label == label, result.to_json()


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("治安管理处罚法里头打人咋个罚", "order.hit-someone"),  # was answered with the fireworks entry
        ("民法典里头彩礼咋个规定的", "family.bride-price-return"),  # was answered with neighbours' duties
        ("未成年人保护法对老师打娃儿咋个说的", "minors.teacher-punishment"),  # was the rights overview
    ],
)
def test_a_law_named_without_an_article_is_read_by_its_subject(question: str, entry: str) -> None:
    """A law's name (治安/管理/处罚) outweighed the subject of the question and answered it with any entry
    mentioning the law; read without the name, the subject's entry comes first (answered or offered)."""
    _, matcher = bundled()
    result = matcher.match(question)
    first = result.faq if result.status is Outcome.ANSWERED else result.suggestions[0]
    assert first is not None and first.id == entry, result.to_json()


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("villager_probe.jsonl", 384),
        ("villager_probe_blind.jsonl", 240),
        ("villager_probe_blind2.jsonl", 240),
        ("villager_probe4.jsonl", 240),
        ("villager_probe5.jsonl", 240),
        ("villager_probe6.jsonl", 240),
        ("villager_probe7.jsonl", 240),
        ("villager_probe8.jsonl", 240),
        ("vague_questions.jsonl", 120),
        ("vague_questions_blind.jsonl", 120),
    ],
)
def test_villager_probe_labels_name_articles_that_exist(laws_dir: Path, name: str, size: int) -> None:
    """The villager probes are scored by article overlap, so a label naming a missing article (or a repealed
    law, whose file is still in the folder) would silently count every answer to it as wrong."""
    items = read_labelled(REPO_ROOT / "benchmarks" / name)
    labels = [(i.id, *label.split(":", 1)) for i in items for label in i.expect]
    laws = {law for _, law, _ in labels}
    articles = {p.stem: {str(a.number) for a in read_statute_file(p)} for p in laws_dir.glob("*.md") if p.stem in laws}
    missing = [label for label in labels if label[2] not in articles.get(label[1], set())]
    kb, _ = bundled()
    not_in_force = [label for label in labels if label[1] not in kb.laws or not kb.laws[label[1]].in_force]
    assert len({i.id for i in items}) == len(items) == size
    assert missing == [] and not_in_force == [], (missing, not_in_force)


def test_out_of_scope_questions_are_rarely_answered() -> None:
    """benchmarks/out_of_scope.jsonl: 90 questions no village legal FAQ should answer (chit-chat, farming,
    health, phones, money, trademarks, taxes …). A few share a rare word with an entry (清明节 and the
    grave-sweeping fireworks entry); more than 5 means a threshold or an entry has gone loose."""
    _, matcher = bundled()
    items = read_labelled(REPO_ROOT / "benchmarks" / "out_of_scope.jsonl")
    answered = [i.question for i in items if matcher.match(i.question).status is Outcome.ANSWERED]
    assert len(items) == 90 and len(answered) <= 5, answered


def test_referral_subjects_take_their_own_questions_and_none_of_the_entries() -> None:
    """Every phrasing of an entry still reaches the law (none is referred away), and nearly every phrasing
    of a referral subject is referred to that subject."""
    kb, matcher = bundled()
    referred_away = [p for f in kb.faqs for p in (f.question, *f.alternates) if matcher.match(p).referral]
    assert referred_away == []
    phrasings = [(r.id, p) for r in kb.referrals for p in (r.question, *r.alternates)]
    missed = [(rid, p) for rid, p in phrasings if (result := matcher.match(p)).faq is None or result.faq.id != rid]
    assert len(kb.referrals) >= 40 and len(missed) <= len(phrasings) // 50, missed


def test_blind_out_of_scope_questions_are_mostly_referred_not_answered() -> None:
    """benchmarks/out_of_scope_blind.jsonl: 100 questions outside the base (everyday matters and legal ones the
    statutes here do not carry), written by a helper who never saw the bot. 12 are answered and 38 referred
    today (docs/benchmarks.md); more answers or far fewer referrals mean an entry or a subject went loose."""
    _, matcher = bundled()
    items = read_labelled(REPO_ROOT / "benchmarks" / "out_of_scope_blind.jsonl")
    results = [matcher.match(i.question) for i in items]
    answered = [i.question for i, r in zip(items, results, strict=True) if r.status is Outcome.ANSWERED]
    referred = sum(r.referral is not None for r in results)
    assert len(items) == 100 and len(answered) <= 15 and referred >= 30, (answered, referred)


@pytest.mark.parametrize(
    "name", ["out_of_scope_blind2.jsonl", "out_of_scope_blind3.jsonl", "out_of_scope_blind4.jsonl"]
)
def test_later_blind_out_of_scope_sets_are_rarely_answered(name: str) -> None:
    """benchmarks/out_of_scope_blind2/3/4.jsonl: 40 questions each (chit-chat, everyday matters, and near misses
    whose rules are in no statute here: trademarks, income tax, visas, company shares, a foreign country's
    divorce law …) written in sessions 17, 18 and 19 by helpers who never saw the bot. One, none and none are
    answered today (docs/benchmarks.md)."""
    _, matcher = bundled()
    items = read_labelled(REPO_ROOT / "benchmarks" / name)
    answered = [i.question for i in items if matcher.match(i.question).status is Outcome.ANSWERED]
    assert len(items) == 40 and len(answered) <= 3, answered


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        ("villager_probe_blind.jsonl", 195, 7),
        ("villager_probe_blind2.jsonl", 179, 6),
        ("villager_probe4.jsonl", 182, 9),
        ("villager_probe5.jsonl", 165, 9),
        ("villager_probe6.jsonl", 190, 6),
        ("villager_probe7.jsonl", 196, 5),
        ("villager_probe8.jsonl", 182, 6),
    ],
)
def test_blind_villager_questions_are_mostly_answered_right_and_rarely_wrong(name: str, right: int, wrong: int) -> None:
    """benchmarks/villager_probe_blind*.jsonl and villager_probe4/5/6/7/8.jsonl: 7 × 240 villager questions
    written from the statutes alone by helpers who never saw the bot (the second set in session 15, the third in
    session 16, the fourth and fifth in session 17, the sixth in session 18, the seventh in session 19, each
    scored blind once and then read to find that session's fixes). Today 208 / 4, 189 / 3, 195 / 6, 176 / 5,
    201 / 3, 206 / 2 and 192 / 3 are answered with an expected article / without one (docs/benchmarks.md);
    fewer right or more wrong means an entry, a phrasing or a threshold went astray."""
    _, matcher = bundled()
    scored = evaluate(read_labelled(REPO_ROOT / "benchmarks" / name), matcher.match)
    tally = scored["in_scope"]
    failures = [f for f in tally.failures if " WRONG: " in f]
    assert tally.total == 240 and tally.top1 >= right and tally.wrong_answers <= wrong, (tally.top1, failures)


@pytest.mark.parametrize(
    ("name", "right", "wrong"), [("vague_questions.jsonl", 70, 6), ("vague_questions_blind.jsonl", 68, 7)]
)
def test_vague_questions_get_the_general_rule_or_a_choice(name: str, right: int, wrong: int) -> None:
    """benchmarks/vague_questions*.jsonl: 120 + 120 short first questions that name only a subject (遗产怎么分,
    欠钱不还, 土地被征收), written and labelled with the general rule's articles by helpers who never saw the
    bot. Many entries contain every word of such a question, so the general entry is lifted and a narrow lead
    is offered as a choice rather than answered. Today 83 right / 3 wrong and 79 / 4 (before session 14: 66 / 9
    and 66 / 11; docs/benchmarks.md)."""
    _, matcher = bundled()
    scored = evaluate(read_labelled(REPO_ROOT / "benchmarks" / name), matcher.match)
    tally = scored["in_scope"]
    failures = [f for f in tally.failures if " WRONG: " in f]
    assert tally.total == 120 and tally.top1 >= right and tally.wrong_answers <= wrong, (tally.top1, failures)
