"""No phone, ID-card or bank-card number survives into the analytics database."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.events import QuestionEvent
from analytics.redact import (
    BANK_CARD_PLACEHOLDER,
    ID_CARD_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    redact_personal_numbers,
)
from analytics.store import AnalyticsStore

CASES = [
    ("我电话13812345678", f"我电话{PHONE_PLACEHOLDER}"),
    ("打 138 1234 5678 找我", f"打 {PHONE_PLACEHOLDER} 找我"),
    ("+86 138-1234-5678", PHONE_PLACEHOLDER),
    ("１３８１２３４５６７８", PHONE_PLACEHOLDER),
    ("座机023-68123456", f"座机{PHONE_PLACEHOLDER}"),
    ("身份证500223199001011234丢了", f"身份证{ID_CARD_PLACEHOLDER}丢了"),
    ("身份证号50022319900101123X", f"身份证号{ID_CARD_PLACEHOLDER}"),
    ("老身份证500223900101123", f"老身份证{ID_CARD_PLACEHOLDER}"),
    ("卡号6222021234567890123被冻结", f"卡号{BANK_CARD_PLACEHOLDER}被冻结"),
    ("卡号 6222 0212 3456 7890", f"卡号 {BANK_CARD_PLACEHOLDER}"),
    # Ordinary numbers a villager asks about stay as they are.
    ("借了10000元没还", "借了10000元没还"),
    ("打12348问问", "打12348问问"),
    ("民法典第1079条", "民法典第1079条"),
    ("2026年3月15日签的合同", "2026年3月15日签的合同"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_redaction_table(text: str, expected: str) -> None:
    assert redact_personal_numbers(text) == expected


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


mobiles = st.builds(lambda p, r: f"1{p}{r:09d}", st.sampled_from("3456789"), st.integers(0, 10**9 - 1))
id_cards = st.builds(
    lambda area, y, m, d, seq, check: f"{area:06d}{y}{m:02d}{d:02d}{seq:03d}{check}",
    st.integers(110000, 659999), st.integers(1930, 2020), st.integers(1, 12), st.integers(1, 28),
    st.integers(0, 999), st.sampled_from("0123456789X"),
)
bank_cards = st.builds(lambda n, length: str(n).zfill(length)[:length], st.integers(0, 10**19 - 1),
                       st.integers(16, 19))
separators = st.sampled_from(["", " ", "-"])
chinese = st.text(alphabet="我的电话身份证银行卡号码是请帮忙查一下谢谢，。 ", max_size=12)


def _grouped(number: str, sep: str) -> str:
    return sep.join(number[i:i + 4] for i in range(0, len(number), 4))


@settings(max_examples=300, deadline=None)
@given(before=chinese, after=chinese, number=st.one_of(mobiles, id_cards, bank_cards), sep=separators)
def test_no_personal_number_survives(before: str, after: str, number: str, sep: str) -> None:
    text = before + _grouped(number, sep) + after
    redacted = redact_personal_numbers(text)
    assert _digits(number) not in _digits(redacted)
    assert not re.search(r"\d{7,}", redacted.replace(" ", "").replace("-", ""))


def test_database_file_holds_no_personal_numbers(tmp_path: Path) -> None:
    numbers = ["13812345678", "500223199001011234", "6222021234567890123", "02368123456"]
    store = AnalyticsStore(tmp_path / "pufa.sqlite", b"k")
    at = datetime(2026, 5, 1, tzinfo=UTC)
    texts = ["我电话13812345678", "身份证500223199001011234", "卡号6222 0212 3456 7890 123",
             "座机023-68123456 找谁"]
    for i, text in enumerate(texts):
        store.record_question(QuestionEvent(i, "telegram", text, "fallback", None, None, (), (), 0.1, 1.0, at=at))
    store.record_questions(
        QuestionEvent(9, "cli", text, "fallback", None, None, (), (), 0.1, 1.0, at=at) for text in texts
    )
    store.close()
    for path in tmp_path.glob("pufa.sqlite*"):
        raw = path.read_bytes()
        for number in numbers:
            assert number.encode() not in raw, (path.name, number)
