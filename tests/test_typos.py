"""Pinyin typo recovery: a stretch that sounds like a common word of the base stands for that word."""

from __future__ import annotations

from knowledge.typos import HomophoneCorrector, Token

FREQUENCY = {"赡养": 60, "赡仰": 1, "山羊": 2, "离婚": 80, "举报": 40, "举保": 1, "领了": 30, "欺凌": 12}


def test_a_typo_recovers_the_dominant_word_of_its_sound() -> None:
    corrector = HomophoneCorrector(FREQUENCY, {})
    assert corrector.corrections("儿子不山养老人") == {"赡养"}  # 赡仰 and 山羊 are rare next to 赡养
    assert corrector.corrections("想离昏") == {"离婚"}
    assert corrector.corrections("怎么举保") == {"举报"}  # a typo form present in the base still recovers


def test_words_spelt_right_and_particle_phrases_are_left_alone() -> None:
    corrector = HomophoneCorrector(FREQUENCY, {})
    assert corrector.corrections("我要离婚") == set()
    assert corrector.corrections("被欺零了") == {"欺凌"}  # not 领了, a phrase ending in a particle


def test_an_ambiguous_sound_recovers_nothing() -> None:
    corrector = HomophoneCorrector({"工伤": 10, "攻伤": 9}, {})
    assert corrector.corrections("工商") == set()


def test_synonym_keys_lead_to_their_term() -> None:
    corrector = HomophoneCorrector({"烟花爆竹": 50}, {"鞭炮": "烟花爆竹"})
    assert corrector.corrections("在家做鞭跑") == {"烟花爆竹"}


def test_with_the_question_s_words_only_whole_word_stretches_count() -> None:
    corrector = HomophoneCorrector({"赡养": 60, "抢险": 20, "八千": 5, "补偿": 40}, {})
    # 交强险: the stretch 强险 sounds like 抢险 but starts inside the word.
    assert corrector.corrections("交强险过期", [Token(0, 3, True), Token(3, 5, True)]) == set()
    # 把钱 holds a function character: grammar, not a misspelt 八千.
    assert corrector.corrections("我把钱转了", [Token(0, 1, True), Token(1, 2, True), Token(2, 3, True)]) == set()
    # 补尝款 is a word the dictionary does not know: a stretch may end inside it.
    assert corrector.corrections("补尝款", [Token(0, 3, False)]) == {"补偿"}
    # A lone character followed by a wrong word (山|养老|人) is how a typo breaks segmentation.
    assert corrector.corrections("山养老人", [Token(0, 1, True), Token(1, 3, True), Token(3, 4, True)]) == {"赡养"}


def test_a_typo_may_start_inside_a_word_the_dictionary_does_not_know() -> None:
    # 卖银航卡: the typo's first character is glued to the word before (卖银|航卡, 卖银 unknown). Inside a known
    # word the same stretch is not read (交强险 above).
    corrector = HomophoneCorrector({"银行": 50, "行卡": 1}, {})
    assert corrector.corrections("卖银航卡", [Token(0, 2, False), Token(2, 4, True)]) == {"银行"}
    assert corrector.corrections("卖银航卡", [Token(0, 2, True), Token(2, 4, True)]) == set()


def test_stop_words_are_never_read_as_typos() -> None:
    corrector = HomophoneCorrector({"指导": 30}, {}, ignore={"知道"})
    assert corrector.corrections("知道") == set()
