"""Printable poster QR codes for each village's 法治宣传栏: the code opens the bot with the village set.

Scanning `https://t.me/<bot>?start=v-<code>` starts the bot with that village, so the office can
count how many people each poster brought in.
"""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from knowledge.tips import Village

# A CJK font shipped with the analytics charts, so village names print without system fonts.
FONT_PATH = Path(__file__).resolve().parents[1] / "analytics" / "fonts" / "DroidSansFallbackFull.ttf"
# Pixels per QR module and the quiet border: large enough to scan from a metre off an A5 print.
BOX_SIZE = 20
BORDER_MODULES = 4
# Height of the caption band under the code, and its font size.
CAPTION_HEIGHT = 160
CAPTION_FONT_SIZE = 56


def deep_link(bot_username: str, village: Village) -> str:
    """The t.me link a poster's QR code encodes."""
    return f"https://t.me/{bot_username}?start=v-{village.code}"


def write_poster(bot_username: str, village: Village, caption: str, out_dir: Path) -> Path:
    """Write `<code>.png`: the QR code with the village name and a one-line invitation under it."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=BOX_SIZE,
                         border=BORDER_MODULES)
    code.add_data(deep_link(bot_username, village))
    code.make(fit=True)
    qr = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    poster = Image.new("RGB", (qr.width, qr.height + CAPTION_HEIGHT), "white")
    poster.paste(qr, (0, 0))
    draw = ImageDraw.Draw(poster)
    font = ImageFont.truetype(str(FONT_PATH), CAPTION_FONT_SIZE) if FONT_PATH.exists() else ImageFont.load_default()
    text = f"{village.name} · {caption}"
    width = draw.textlength(text, font=font)
    draw.text(((poster.width - width) / 2, qr.height + (CAPTION_HEIGHT - CAPTION_FONT_SIZE) / 2), text,
              fill="black", font=font)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{village.code}.png"
    poster.save(path)
    return path
