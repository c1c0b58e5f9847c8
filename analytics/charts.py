"""PNG charts of a report (monthly trend, topics, villages) with Chinese labels that actually render.

matplotlib's own fonts have no Chinese glyphs and silently draw boxes (□) instead, so a CJK font is
bundled (analytics/fonts, Apache-2.0) and registered here. If neither it nor a known system CJK font
can be found, or a label holds a character no font covers, charting stops with `CjkFontError` rather
than producing a chart a clerk cannot read.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from analytics.report_data import ReportData
from analytics.report_tables import ReportLabels

matplotlib.use("Agg")

BUNDLED_FONT = Path(__file__).parent / "fonts" / "DroidSansFallbackFull.ttf"
# System fonts that also cover simplified Chinese, tried when the bundled file is missing.
SYSTEM_CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Droid Sans Fallback")
# Latin letters and digits come from matplotlib's bundled DejaVu Sans; the CJK font fills in the rest.
LATIN_FAMILY = "DejaVu Sans"
# Bars shown in the topic and village charts: more become unreadable at report size.
CHART_TOP_N = 12
# 150 dpi prints sharply on A4 and keeps each PNG around 50 KB.
CHART_DPI = 150
CHART_SIZE_INCHES = (8.0, 4.5)


class CjkFontError(RuntimeError):
    """No font can draw the chart's Chinese text; the message says what to install."""


def cjk_font_path(bundled: Path = BUNDLED_FONT, system_families: Sequence[str] = SYSTEM_CJK_FAMILIES) -> Path:
    """The CJK font file the charts use: the bundled one, else a system font; raise CjkFontError if none."""
    if bundled.is_file():
        return bundled
    for entry in font_manager.fontManager.ttflist:
        if entry.name in system_families:
            return Path(entry.fname)
    raise CjkFontError(
        f"no Chinese font for the charts: {bundled} is missing and none of {', '.join(system_families)}"
        " is installed (e.g. apt-get install fonts-noto-cjk)"
    )


def _families(font_path: Path) -> list[str]:
    font_manager.fontManager.addfont(str(font_path))
    return [LATIN_FAMILY, font_manager.FontProperties(fname=str(font_path)).get_name()]


def check_glyphs(texts: Sequence[str], font_path: Path) -> None:
    """Raise CjkFontError naming any character that neither the CJK nor the Latin font can draw."""
    fonts = [FT2Font(str(font_path)), FT2Font(font_manager.findfont(LATIN_FAMILY))]
    missing = sorted({
        ch for text in texts for ch in text
        if not ch.isspace() and all(font.get_char_index(ord(ch)) == 0 for font in fonts)
    })
    if missing:
        raise CjkFontError(f"the chart font cannot draw {''.join(missing)!r}; install a fuller CJK font")


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=CHART_DPI, bbox_inches="tight")
    return out.getvalue()


def _bar_chart(title: str, names: Sequence[str], values: Sequence[int], ylabel: str, font: Path) -> bytes:
    check_glyphs([title, ylabel, *names], font)
    with matplotlib.rc_context({"font.family": _families(font), "axes.unicode_minus": False}):
        figure = Figure(figsize=CHART_SIZE_INCHES)
        axes = figure.subplots()
        positions = list(range(len(names)))
        bars = axes.barh(positions, values, color="#3b7dd8")
        axes.set_yticks(positions, labels=list(names))
        axes.invert_yaxis()
        axes.bar_label(bars, padding=3)
        axes.set_xlabel(ylabel)
        axes.set_title(title)
        axes.margins(x=0.12)
        return _png(figure)


def monthly_chart(data: ReportData, font: Path) -> bytes:
    """Questions, people and new users per month, as lines."""
    months = [m.month for m in data.months]
    title = "智慧普法平台月度咨询情况"
    series = {
        "咨询人次": [m.questions for m in data.months],
        "服务人数": [m.people for m in data.months],
        "新增用户": [m.new_users for m in data.months],
    }
    check_glyphs([title, *series, *months], font)
    with matplotlib.rc_context({"font.family": _families(font), "axes.unicode_minus": False}):
        figure = Figure(figsize=CHART_SIZE_INCHES)
        axes = figure.subplots()
        for name, values in series.items():
            axes.plot(months, values, marker="o", label=name)
        axes.set_title(title)
        axes.set_ylabel("人次 / 人")
        axes.legend()
        axes.grid(alpha=0.3)
        figure.autofmt_xdate()
        return _png(figure)


def report_charts(data: ReportData, labels: ReportLabels | None = None) -> dict[str, bytes]:
    """All report charts as PNG bytes by file name; raise CjkFontError when Chinese cannot be drawn."""
    labels = labels or ReportLabels()
    font = cjk_font_path()
    topics = data.topics[:CHART_TOP_N]
    villages = data.villages[:CHART_TOP_N]
    return {
        "monthly.png": monthly_chart(data, font),
        "topics.png": _bar_chart(
            "群众咨询话题分布", [labels.topic_names.get(t, t) for t, _ in topics], [n for _, n in topics],
            "咨询人次", font,
        ),
        "villages.png": _bar_chart(
            "各村咨询人次", [v.name for v in villages], [v.questions for v in villages], "咨询人次", font,
        ),
    }
