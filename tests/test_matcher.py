"""The matcher on a small real base: normalisation, synonyms, typos, article routing, outcomes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from conftest import MEDICINE_REFERRAL

from knowledge.loader import load_knowledge_base
from knowledge.matcher import (
    ALTERNATIVE_SHARE,
    ANGLE_WEIGHT,
    RELATED_ALLOWANCE,
    RELATED_EVIDENCE,
    SIBLING_WINDOW,
    Matcher,
    Scored,
    Thresholds,
    decide,
)
from knowledge.model import Faq, MatchResult, Outcome
from knowledge.text import MAX_QUESTION_CHARS, normalize


@pytest.fixture()
def matcher(knowledge_dir: Path) -> Matcher:
    return Matcher(load_knowledge_base(knowledge_dir))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full width
        ("離婚後孩子撫養費", "离婚后孩子抚养费"),  # traditional
        ("狗咬人！！！😡😡", "狗咬人"),  # punctuation and emoji
        ("请\u200b问\u202e一下", "请问一下"),  # zero-width and RTL marks
        ("女孩19岁能结婚吗", "女孩十九岁能结婚吗"),  # an age reads as the entries write it
        ("娃儿１４周岁了，借了3万块", "娃儿十四周岁了 借了3万块"),  # ...but amounts stay as typed
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_long_questions_are_cut_not_refused(matcher: Matcher) -> None:
    assert len(normalize("狗" * 10_000)) == MAX_QUESTION_CHARS
    result = matcher.match("被狗咬了谁赔 " + "啊" * 10_000)
    assert result.status in set(Outcome)


def test_dialect_words_map_to_terms(matcher: Matcher) -> None:
    assert matcher.analyzer.canonical("我婆娘想和我扯证") == "我妻子想和我结婚登记"
    assert matcher.analyzer.canonical("老汉儿的工钱") == "父亲的工资"  # longest match wins over 老汉


@pytest.mark.parametrize(
    ("question", "faq_id"),
    [
        ("请问一下，被狗咬伤了医药费谁出？？", "injury.dog-bite"),  # filler and punctuation
        ("我婆娘和我都同意离婚，咋个办手续", "family.divorce-agreement"),  # dialect synonyms
        ("包工头拖起工钱不给，我该怎么办", "labor.unpaid-wages"),  # everyday words
    ],
)
def test_colloquial_questions_are_answered(matcher: Matcher, question: str, faq_id: str) -> None:
    result = matcher.match(question)
    assert result.status is Outcome.ANSWERED, result
    assert result.faq is not None and result.faq.id == faq_id
    assert result.citations == result.faq.citations


@pytest.mark.parametrize(
    ("question", "faq_id"),
    [
        ("狗咬了人要陪偿多少", "injury.dog-bite"),  # 陪偿 for 赔偿
        ("我们两个协议离昏去哪里办", "family.divorce-agreement"),  # 离昏 for 离婚
        ("喝了酒开车遭抓了醉架怎么判", "traffic.drunk-driving"),  # 醉架 for 醉驾
    ],
)
def test_pinyin_typos_still_find_the_entry(matcher: Matcher, question: str, faq_id: str) -> None:
    result = matcher.match(question)
    found = [result.faq] if result.faq else list(result.suggestions)
    assert faq_id in [f.id for f in found], result


@pytest.mark.parametrize(
    "question", ["你好", "今天天气怎么样", "股票明天会涨吗", "帮我写一首诗", "1+1等于几", "", "😀😀😀", "   "]
)
def test_out_of_scope_is_never_answered(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status is not Outcome.ANSWERED


def test_greetings_get_a_kind_reply_that_is_not_an_answer(matcher: Matcher) -> None:
    result = matcher.match("你好！")
    assert result.status is Outcome.FALLBACK and result.chitchat and "普法" in result.chitchat


@pytest.mark.parametrize("question", ["民法典第1245条", "民法典一千二百四十五条说的啥", "民法典 第 1245 条是管啥子的"])
def test_article_reference_routes_to_the_faq_citing_it(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.status is Outcome.ANSWERED
    assert [c.label for c in result.citations] == ["民法典:1245"]
    assert result.faq is not None and result.faq.id == "injury.dog-bite"


def test_article_reference_shows_statute_text_when_loaded(knowledge_dir: Path) -> None:
    class Statutes:
        def article_text(self, law: str, article: int | str) -> str | None:
            return "第九十一条 饮酒后驾驶机动车的……" if (law, str(article)) == ("道路交通安全法", "91") else None

    matcher = Matcher(load_knowledge_base(knowledge_dir), Statutes())
    result = matcher.match("道交法第九十一条")
    assert result.status is Outcome.ANSWERED
    assert result.answer == "第九十一条 饮酒后驾驶机动车的……"
    assert result.to_json()["citations"] == [{"law": "道路交通安全法", "article": 91}]


def test_unknown_article_is_not_answered_blindly(matcher: Matcher) -> None:
    assert matcher.match("民法典第9999条").status is not Outcome.ANSWERED


def test_vague_question_suggests_instead_of_guessing(matcher: Matcher) -> None:
    result = matcher.match("赔偿")
    assert result.status is not Outcome.ANSWERED


def test_a_long_story_is_answered_on_rare_word_evidence_not_on_score(matcher: Matcher) -> None:
    """A story scores low (most of its words match nothing) but may share many rare words with one
    entry: then it is answered, provided that entry is clearly ahead of a different one (not a linked
    neighbour, which needs less: see the test below)."""
    best, *rest = [f for f in matcher.kb.faqs if not f.urgent and f.citations]
    other = next(f for f in rest if f.id not in best.related and best.id not in f.related)
    assert not {c.label for c in best.citations} & {c.label for c in other.citations}
    t = Thresholds()
    low = t.answer - 0.05  # below the ordinary bar

    def outcome(evidence: float, margin: float) -> Outcome:
        ranked = [Scored(best, low, evidence, 10.0), Scored(other, low - margin, 1.0, 10.0)]
        return decide(ranked, True, t).status

    assert outcome(t.story_evidence + 0.5, t.story_margin + 0.01) is Outcome.ANSWERED
    assert outcome(t.story_evidence - 0.5, t.story_margin + 0.01) is Outcome.SUGGEST  # too little evidence
    assert outcome(t.story_evidence + 0.5, t.story_margin - 0.02) is Outcome.SUGGEST  # a near tie


def test_a_clear_winner_needs_fewer_rare_words(matcher: Matcher) -> None:
    """A short question one entry wins by a wide margin is answered on less word evidence than a close
    call needs; a close call on the same evidence is not, and neither is a clear winner on next to none."""
    best, other = [f for f in matcher.kb.faqs if not f.urgent and f.citations][:2]
    t = Thresholds()
    few = (t.clear_evidence + t.min_word_evidence) / 2  # below the ordinary bar, above the clear-winner bar

    def outcome(score: float, margin: float, evidence: float) -> Outcome:
        ranked = [Scored(best, score, evidence, 10.0), Scored(other, score - margin, 1.0, 10.0)]
        return decide(ranked, True, t).status

    assert outcome(t.clear_answer + 0.05, t.clear_margin + 0.01, few) is Outcome.ANSWERED
    assert outcome(t.clear_answer + 0.05, t.margin + 0.01, few) is Outcome.SUGGEST  # ahead, but not clearly
    assert outcome(t.clear_answer - 0.05, t.clear_margin + 0.01, few) is Outcome.SUGGEST  # not a strong match
    assert outcome(t.clear_answer + 0.05, t.clear_margin + 0.01, t.clear_evidence - 0.3) is Outcome.SUGGEST


def test_a_near_tie_is_answered_when_the_question_reads_like_one_entrys_phrasing(matcher: Matcher) -> None:
    """Siblings sharing a question's words tie on BM25, which ignores word order; a question that reads
    nearly word for word like a phrasing of one of them, and clearly less like any of the next entries
    citing something else, is answered all the same."""
    best, other, third = [f for f in matcher.kb.faqs if not f.urgent and f.citations][:3]
    t = Thresholds()
    score = t.answer + 0.05

    def outcome(closeness: float, rival: float, evidence: float = 2.0) -> Outcome:
        ranked = [
            Scored(best, score, evidence, 10.0, closeness),
            Scored(other, score - 0.01, 2.0, 10.0, rival - 0.1),
            Scored(third, score - 0.02, 2.0, 10.0, rival),
        ]
        return decide(ranked, True, t).status

    assert outcome(t.reading + 0.2, t.reading + 0.2 - t.reading_lead - 0.05) is Outcome.ANSWERED
    # The third entry reads nearly as close as the best.
    assert outcome(t.reading + 0.2, t.reading + 0.2 - t.reading_lead + 0.05) is Outcome.SUGGEST
    assert outcome(t.reading - 0.05, 0.0) is Outcome.SUGGEST  # reads like nothing in particular
    assert outcome(t.reading + 0.2, 0.0, evidence=t.reading_evidence - 0.5) is Outcome.SUGGEST  # too few rare words


def test_a_linked_neighbour_as_closest_rival_needs_a_smaller_lead(matcher: Matcher) -> None:
    """Two entries the office linked as `related` (free help / paid help) are neighbours: when one leads the
    other by a little less than the margin, it is answered and the neighbour is shown under it. An unlinked
    rival still needs the full margin, and so does a vague question that more entries hold in full."""
    kb = matcher.kb
    best = next(f for f in kb.faqs if f.related and not f.urgent and not f.referral)
    neighbour = next(f for f in kb.faqs if f.id in best.related)
    stranger = next(f for f in kb.faqs if f.id not in best.related and best.id not in f.related and f is not best)
    assert not {c.label for c in best.citations} & {c.label for c in (*neighbour.citations, *stranger.citations)}
    t = Thresholds()
    score = t.answer + 0.1
    lead = t.margin - RELATED_ALLOWANCE / 2

    def outcome(rival: Faq, evidence: float = RELATED_EVIDENCE + 0.5, ceiling: float = 10.0) -> MatchResult:
        ranked = [Scored(best, score, evidence, ceiling), Scored(rival, score - lead, evidence, ceiling)]
        return decide(ranked, True, t)

    linked = outcome(neighbour)
    assert linked.status is Outcome.ANSWERED and linked.faq is best and neighbour in linked.suggestions
    assert outcome(stranger).status is Outcome.SUGGEST
    assert outcome(neighbour, evidence=RELATED_EVIDENCE - 0.5).status is Outcome.SUGGEST  # too few rare words
    # Both hold every word of the question: a vague question, so the choice is offered.
    assert outcome(neighbour, ceiling=RELATED_EVIDENCE + 0.5).status is Outcome.SUGGEST


def test_a_sibling_on_the_same_article_that_holds_the_words_answers_for_a_best_that_does_not(
    matcher: Matcher,
) -> None:
    """The best entry has too few of the question's rare words to be answered; the one just behind it rests
    on the same article and holds them, well ahead of anything citing another article: it answers, with the
    best offered under it. Not when it trails by more than SIBLING_WINDOW, shares no citation, or itself
    falls short."""
    best, other, stranger = [f for f in matcher.kb.faqs if not f.urgent and f.citations][:3]
    assert not {c.label for c in stranger.citations} & {c.label for c in (*best.citations, *other.citations)}
    sibling = dataclasses.replace(other, citations=best.citations)
    t = Thresholds()
    top = t.answer + 0.1

    def decided(second: Faq, behind: float = SIBLING_WINDOW / 2, evidence: float = 3.0) -> MatchResult:
        ranked = [
            Scored(best, top, t.min_word_evidence / 2, 6.0),
            Scored(second, top - behind, evidence, 6.0),
            Scored(stranger, top - behind - t.margin - 0.01, 3.0, 6.0),
        ]
        return decide(ranked, True, t)

    result = decided(sibling)
    assert result.status is Outcome.ANSWERED and result.faq is sibling and best in result.suggestions
    assert decided(sibling, behind=SIBLING_WINDOW + 0.01).status is Outcome.SUGGEST
    assert decided(other).status is Outcome.SUGGEST  # cites something else: a different answer
    assert decided(sibling, evidence=t.min_word_evidence / 2).status is Outcome.SUGGEST


def test_closeness_is_the_edit_similarity_to_the_nearest_phrasing(matcher: Matcher) -> None:
    """An alternate asked as it is written reads exactly like its entry; reworded, less so."""
    faq = next(f for f in matcher.kb.faqs if len(f.alternates) >= 2)
    asked = next(s for s in matcher.rank(faq.alternates[1]) if s.faq is faq)
    assert asked.closeness == 1.0
    reworded = next(s for s in matcher.rank(faq.alternates[1] + "，我们村里好多人都想晓得") if s.faq is faq)
    assert 0.0 < reworded.closeness < 1.0


def test_an_answer_offers_the_nearly_as_close_entries_as_alternatives(matcher: Matcher) -> None:
    """Under a confident answer, entries scoring close to it are offered (the answer may have missed the
    point); distant ones are not, and the answer itself is never offered again."""
    best, near, far = [f for f in matcher.kb.faqs if not f.urgent and f.citations][:3]
    t = Thresholds()
    top = t.answer + 0.2
    ranked = [
        Scored(best, top, 5.0, 6.0),
        Scored(near, ALTERNATIVE_SHARE * top + 0.01, 3.0, 6.0),
        Scored(far, ALTERNATIVE_SHARE * top - 0.05, 3.0, 6.0),
    ]
    result = decide(ranked, True, t)
    assert result.status is Outcome.ANSWERED and result.faq is best
    assert result.suggestions == (near,)


def test_a_vague_question_is_answered_only_with_a_clear_lead_even_over_an_entry_citing_the_same_law(
    matcher: Matcher,
) -> None:
    """When three entries hold every word of the question, a lead that would answer a specific question is
    not enough: the two near entries share the best one's citation, yet the question did not choose."""
    best, same_law, third = [f for f in matcher.kb.faqs if not f.urgent and f.citations][:3]
    same_law = dataclasses.replace(same_law, citations=best.citations)
    t = Thresholds()
    top = t.answer + 0.2
    # Every entry holds all the words (evidence = ceiling): vague, and the lead of 0.04 is under vague_margin.
    vague = [Scored(best, top, 2.0, 2.0), Scored(same_law, top - 0.04, 2.0, 2.0), Scored(third, top - 0.3, 2.0, 2.0)]
    assert decide(vague, True, t).status is Outcome.SUGGEST
    # The same scores where the others lack a word the best one has: an ordinary confident answer.
    specific = [Scored(best, top, 2.0, 2.0), Scored(same_law, top - 0.04, 1.0, 2.0), Scored(third, top - 0.3, 1.0, 2.0)]
    assert decide(specific, True, t).status is Outcome.ANSWERED


def test_a_vague_question_puts_the_entry_others_link_to_first(knowledge_dir: Path) -> None:
    """离婚 alone is held by every divorce entry, and special cases that repeat the word outscore the general
    entry; when they point to it (`related`), as the office links special cases to the rule, it comes first."""
    kb = load_knowledge_base(knowledge_dir)
    divorce = kb.faq("family.divorce-agreement")
    assert divorce is not None
    general = dataclasses.replace(
        divorce,
        id="family.divorce-ways",
        question="离婚有哪几条路？",
        alternates=("两口子过不下去了想离婚", "想分开过咋个办", "不想跟他过了", "夫妻感情破裂要离婚"),
        answer="离婚可以商量着去民政局办，也可以到法院起诉。",
        keywords=(),
    )

    def base(related: tuple[str, ...]) -> Matcher:
        special = [
            dataclasses.replace(
                divorce,
                id=f"family.divorce-{n}",
                question=f"离婚{thing}？",
                alternates=("离婚", f"离婚{thing}", "离婚了", "要离婚"),
                answer=f"离婚时{thing}。",
                keywords=(),
                related=related,
            )
            for n, thing in enumerate(("分房子", "分存款", "还债务"))
        ]
        return Matcher(dataclasses.replace(kb, faqs=(*kb.faqs, *special, general)))

    assert base(related=()).rank("离婚")[0].faq.id != general.id
    assert base(related=(general.id,)).rank("离婚")[0].faq.id == general.id


def test_a_question_naming_an_angle_lifts_the_entries_whose_phrasings_ask_it(knowledge_dir: Path) -> None:
    """罚款 in the question lifts the entry whose phrasings ask about fines, by the share of them that do,
    and nothing else; a question naming no angle is scored as if there were no angles at all."""
    kb = load_knowledge_base(knowledge_dir)
    with_angles, without = Matcher(kb), Matcher(dataclasses.replace(kb, angles={}))
    drunk = kb.faq("traffic.drunk-driving")
    assert drunk is not None
    phrasings = (drunk.question, *drunk.alternates)
    fined = sum(any(w in normalize(p) for w in kb.angles["处罚"]) for p in phrasings) / len(phrasings)
    assert 0 < fined < 1

    def scores(m: Matcher, question: str) -> dict[str, float]:
        return {s.faq.id: s.score for s in m.rank(question)}

    lifted, plain = scores(with_angles, "喝了酒开车罚款"), scores(without, "喝了酒开车罚款")
    assert lifted["traffic.drunk-driving"] == pytest.approx(plain["traffic.drunk-driving"] * (1 + ANGLE_WEIGHT * fined))
    assert all(lifted[i] == pytest.approx(plain[i]) for i in plain if i != "traffic.drunk-driving")
    assert scores(with_angles, "喝了酒开车") == scores(without, "喝了酒开车")


def test_json_contract_has_exactly_the_agreed_keys(matcher: Matcher) -> None:
    for question in ("被狗咬了谁赔", "赔偿", "你好"):
        payload = matcher.match(question).to_json()
        assert set(payload) == {"status", "faq_id", "score", "answer", "citations", "suggestions"}
        assert payload["status"] in ("answered", "suggest", "fallback")
        assert 0.0 <= payload["score"] <= 1.0
        for suggestion in payload["suggestions"]:
            assert set(suggestion) == {"faq_id", "question", "citations"}
        json.dumps(payload, ensure_ascii=False)


def test_matching_is_deterministic(knowledge_dir: Path) -> None:
    first = Matcher(load_knowledge_base(knowledge_dir))
    second = Matcher(load_knowledge_base(knowledge_dir))
    for question in ("被狗咬了谁赔", "工钱拿不到", "离婚", "赔偿"):
        assert first.match(question).to_json() == second.match(question).to_json()


def test_unknown_article_offers_entries_citing_its_neighbours(matcher: Matcher) -> None:
    result = matcher.match("民法典第1244条说的啥")
    assert result.status is Outcome.SUGGEST
    assert result.suggestions[0].id == "injury.dog-bite"  # cites 1245, the nearest article of 民法典


def test_words_beat_a_stale_article_number_of_the_same_law(knowledge_dir: Path) -> None:
    # 道路交通安全法第九十条 is not what the words ask about; the words reach the entry citing 第91条.
    matcher = Matcher(load_knowledge_base(knowledge_dir))
    result = matcher.match("道路交通安全法第九十条 喝了酒开车遭交警查到了会怎么处罚")
    assert result.status is Outcome.ANSWERED
    assert result.faq is not None and result.faq.id == "traffic.drunk-driving"


def test_words_that_only_say_what_is_wanted_keep_the_article_number(knowledge_dir: Path) -> None:
    # 要求养狗的人做啥 alone reaches the entry on fines for dog owners (民法典 187, not 1245), but the entries
    # citing 1245 are close behind: the number is what was asked, so the answer cites it.
    matcher = Matcher(load_knowledge_base(knowledge_dir))
    result = matcher.match("民法典1245条要求养狗的人做啥")
    assert result.status is Outcome.ANSWERED
    assert "民法典:1245" in {c.label for c in result.citations}
    # Of the entries citing 1245, one about dogs is shown, not the kept wild animals that come first in the files.
    assert result.faq is not None and "狗" in result.faq.question


@pytest.mark.parametrize(
    ("text", "label"),
    [("民法典里头第1079条说的啥", "民法典:1079"), ("消费者权益保护法中第二十五条", "消费者权益保护法:25")],
)
def test_an_article_is_found_after_a_word_for_in(matcher: Matcher, text: str, label: str) -> None:
    reference = matcher.articles.find(text)
    assert reference is not None and f"{reference.law}:{reference.article}" == label


def test_law_names_are_taken_out_but_not_from_everyday_words(matcher: Matcher) -> None:
    remove = matcher.articles.remove_names
    assert remove("治安管理处罚法里头打人咋个罚").split() == ["里头打人咋个罚"]
    assert remove("劳动法规定打工要签合同").split() == ["规定打工要签合同"]  # 劳动法 + 规定
    # 民法 is inside 人民法院, 消费者法 inside 消费者法律, 安全生产 is an everyday word: all stay.
    for text in ("人民法院会怎么判", "消费者法律上有啥权利", "安全生产培训要多久"):
        assert remove(text) == text


def test_a_synonym_never_rewrites_the_term_it_maps_to(matcher: Matcher) -> None:
    # 摩托 -> 摩托车 must leave 摩托车 alone rather than produce 摩托车车.
    assert matcher.analyzer.canonical("骑摩托车撞了人") == matcher.analyzer.canonical("骑摩托撞了人")
    assert "摩托车车" not in matcher.analyzer.canonical("骑摩托车撞了人")


def test_a_synonym_reaches_a_word_another_synonym_produced(matcher: Matcher) -> None:
    # The bundled table maps 逮到 -> 抓到 and 遭抓 -> 被抓: 遭逮到 must end as 被抓到, as 遭抓到 does, so that a
    # question about drugs phrased 遭逮到 shares 被抓 with the drug entries, not 遭抓 with another subject's.
    canonical = matcher.analyzer.canonical
    assert canonical("吸毒遭逮到要关几天") == canonical("吸毒遭抓到要关几天") == "吸毒被抓到要关几天"


def test_a_word_to_keep_stops_a_synonym_that_sits_inside_it(matcher: Matcher) -> None:
    # The bundled keep list: 养老公寓 holds 老公 (-> 丈夫), and 以后 ends where 后妈 (-> 继母) begins.
    canonical = matcher.analyzer.canonical
    assert canonical("镇上新开的养老公寓") == "镇上新开的养老公寓"
    assert canonical("以后妈妈来接我") == "以后妈妈来接我"
    assert canonical("我后妈不给饭吃") == "我继母不给饭吃"
    assert canonical("我老公打我") == "我丈夫打我"


@pytest.fixture()
def with_referral(knowledge_dir: Path) -> Matcher:
    (knowledge_dir / "referrals.yaml").write_text(MEDICINE_REFERRAL, encoding="utf-8")
    return Matcher(load_knowledge_base(knowledge_dir))


def test_a_subject_outside_the_law_is_referred_not_answered(with_referral: Matcher) -> None:
    result = with_referral.match("老汉儿咳嗽好几天了吃啥子药")
    assert result.status is Outcome.FALLBACK
    assert result.faq is not None and result.faq.id == "refer.medicine"
    assert result.referral == "看病吃药要问医生，请到村卫生室或镇卫生院。"
    assert result.to_json()["faq_id"] == "refer.medicine" and result.to_json()["answer"] is None


def test_legal_questions_are_still_answered_beside_a_referral(with_referral: Matcher) -> None:
    result = with_referral.match("被狗咬伤了要吃药，医药费谁出")
    assert result.status is Outcome.ANSWERED and result.faq is not None and result.faq.id == "injury.dog-bite"
    assert result.referral is None


def test_a_referral_is_never_offered_as_a_question_to_pick(with_referral: Matcher) -> None:
    """Under a referral the close legal entries are offered; a referral never appears among suggestions
    or alternatives, even when it ranks high."""
    for question in ("吃药", "狗咬了吃药", "老汉儿咳嗽好几天了吃啥子药", "赔偿"):
        result = with_referral.match(question)
        assert all(not f.referral for f in result.suggestions), (question, result)


def test_a_close_referral_narrows_the_margin_of_a_legal_answer(with_referral: Matcher) -> None:
    """A referral ranked just behind a legal entry is a competitor like any other entry: the legal entry
    is not answered unless it is clearly ahead of it. Ranked first by the answer margin, the referral is the
    result, with the legal entry offered under it; ranked first only narrowly, the legal entry is suggested."""
    kb = with_referral.kb
    dog, medicine = kb.faq("injury.dog-bite"), kb.referrals[0]
    assert dog is not None
    t = Thresholds()
    ranked = [Scored(dog, t.answer + 0.05, 5.0, 6.0), Scored(medicine, t.answer + 0.04, 5.0, 6.0)]
    assert decide(ranked, True, t).status is Outcome.SUGGEST
    assert decide(ranked[:1], True, t).status is Outcome.ANSWERED
    narrowly = decide(list(reversed(ranked)), True, t)
    assert narrowly.status is Outcome.SUGGEST and narrowly.suggestions == (dog,)
    ahead = [Scored(medicine, t.answer + 0.05, 5.0, 6.0), Scored(dog, t.answer + 0.05 - t.margin, 5.0, 6.0)]
    referred = decide(ahead, True, t)
    assert referred.status is Outcome.FALLBACK and referred.faq is medicine and referred.suggestions == (dog,)
