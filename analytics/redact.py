"""Personal numbers out of question texts before they are stored.

Villagers paste their phone number, ID-card number or bank-card number into a question ("我身份证
500223199001011234 丢了怎么办"). Those never reach the database: each is replaced by a placeholder
that keeps the question readable for the clerk writing new FAQs from the gaps list.
"""

from __future__ import annotations

import re

PHONE_PLACEHOLDER = "[电话]"
ID_CARD_PLACEHOLDER = "[身份证号]"
BANK_CARD_PLACEHOLDER = "[银行卡号]"
NUMBER_PLACEHOLDER = "[号码]"

# Full-width digits and separators (１３８…) are typed on many phone keyboards; fold them first.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ－　", "0123456789Xx- ")

# Digits may be grouped with spaces or dashes: 138 1234 5678, 6222-0212-3456-7890.
_SEP = r"[ \-]?"

# 18-digit ID (last may be X) and the old 15-digit form, with an optional separator between blocks.
_ID_CARD = re.compile(rf"(?<![\dA-Za-z])\d{{6}}{_SEP}(?:\d{{8}}{_SEP}\d{{3}}[\dXx]|\d{{9}})(?![\dA-Za-z])")
# Bank cards: 16 to 19 digits, usually printed in groups of four.
_BANK_CARD = re.compile(rf"(?<!\d)\d{{4}}(?:{_SEP}\d{{4}}){{3}}(?:{_SEP}?\d{{1,3}})?(?!\d)")
# Mainland mobiles (optionally +86) and landlines with an area code (023-12345678 in Chongqing).
_MOBILE = re.compile(rf"(?<!\d)(?:\+?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")
_LANDLINE = re.compile(rf"(?<!\d)0\d{{2,3}}{_SEP}\d{{7,8}}(?!\d)")
# Whatever long digit run is left (a card typed with odd grouping): no amount a villager asks about
# has this many digits in a row, so it is taken as an identifier.
LONG_DIGIT_RUN = 11
_ANY_DIGIT = re.compile(r"\d")
_LONG_NUMBER = re.compile(rf"\d(?:{_SEP}\d){{{LONG_DIGIT_RUN - 1},}}")


def redact_personal_numbers(text: str) -> str:
    """The text with phone, ID-card and bank-card numbers replaced by placeholders."""
    text = text.translate(_FULL_WIDTH)
    if not _ANY_DIGIT.search(text):
        return text
    text = _ID_CARD.sub(ID_CARD_PLACEHOLDER, text)
    text = _BANK_CARD.sub(BANK_CARD_PLACEHOLDER, text)
    text = _MOBILE.sub(PHONE_PLACEHOLDER, text)
    text = _LANDLINE.sub(PHONE_PLACEHOLDER, text)
    return _LONG_NUMBER.sub(NUMBER_PLACEHOLDER, text)
