"""A counted report turned into what the office writes: named tables and one ready paragraph in Chinese.

The paragraph follows the register of a town's annual 法治政府建设 report, and every number in it comes
from `ReportData`, so the clerk can paste it as is. The tables are the same for every format (md, csv,
xlsx, docx), which is why they are plain rows here and the formats only lay them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from analytics.activities import BULLETIN_KIND
from analytics.report_data import ActivityFigures, ReportData

Cell = str | int


@dataclass(frozen=True)
class Table:
    """One titled table: a sheet in xlsx, a section in md/csv/docx."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class ReportLabels:
    """Display names the store does not hold: topic names and FAQ questions from the knowledge base."""

    topic_names: Mapping[str, str] = field(default_factory=dict)
    faq_questions: Mapping[str, str] = field(default_factory=dict)


OUTCOME_NAMES = {"answered": "直接解答", "suggest": "推荐相近问题", "fallback": "未能解答（转人工）"}
DELIVERY_NAMES = {"delivered": "送达", "blocked": "已屏蔽机器人", "failed": "发送失败"}
INTERACTION_NAMES = {
    "click:article": "查看法条原文", "click:related": "点击相关问题", "click:suggestion": "点击推荐问题",
    "click:alternative": "答案下点了其他问题",
    "click:none_of_these": "推荐问题\u201c都不是\u201d", "click:read_more": "推送\u201c阅读全文\u201d",
    "click:topic": "按话题浏览", "helpful": "评价\u201c有帮助\u201d👍", "unhelpful": "评价\u201c没帮助\u201d👎",
    "media:voice": "发送语音", "media:photo": "发送图片", "media:sticker": "发送表情",
}
# Topics and laws the paragraph names before "等": the few a reader takes in at once.
PARAGRAPH_TOP_N = 3


def percent(value: float) -> str:
    """A share as the report prints it: 87.5%."""
    return f"{value * 100:.1f}%"


def period_phrase(start: date, end: date) -> str:
    """「2026年」 for a calendar year, else 「2026年1月1日至2026年6月30日」."""
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return f"{start.year}年"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def report_tables(data: ReportData, labels: ReportLabels | None = None) -> list[Table]:
    """Every table of the report, in the order the office reads them."""
    labels = labels or ReportLabels()
    offline = data.offline
    return [
        Table("总体情况", ("指标", "数值"), (
            ("新增用户（首次使用）", data.new_users), ("咨询人次", data.questions), ("服务人数", data.people),
            ("解答人次", data.answered), ("解答率", percent(data.answered_rate)),
        )),
        Table("按月统计", ("月份", "新增用户", "咨询人次", "服务人数", "解答率"), tuple(
            (m.month, m.new_users, m.questions, m.people, percent(m.answered / m.questions if m.questions else 0))
            for m in data.months
        )),
        Table("按村统计", ("村（社区）", "新增用户", "咨询人次", "服务人数"), tuple(
            (v.name, v.new_users, v.questions, v.people) for v in data.villages
        )),
        Table("扫码来源", ("来源（宣传栏二维码）", "新增用户"), data.sources),
        Table("咨询结果", ("结果", "人次"), tuple(
            (OUTCOME_NAMES[k], data.outcomes.get(k, 0)) for k in OUTCOME_NAMES
        )),
        Table("按法律统计", ("法律", "咨询人次"), tuple((f"《{law}》", n) for law, n in data.laws)),
        Table("按话题统计", ("话题", "咨询人次"), tuple(
            (labels.topic_names.get(t, t), n) for t, n in data.topics
        )),
        Table("群众最常问的问题", ("排名", "问题", "编号", "次数"), tuple(
            (i, labels.faq_questions.get(f, f), f, n) for i, (f, n) in enumerate(data.top_questions, start=1)
        )),
        Table("未能解答的问题（已去除个人信息）", ("排名", "问题", "次数"), tuple(
            (i, q, n) for i, (q, n) in enumerate(data.top_unanswered, start=1)
        )),
        Table("普法推送", ("推送期数", "送达人次", "点击人次", "点击率", "已屏蔽", "发送失败"), ((
            data.broadcasts, data.delivered, data.read_more_clicks, percent(data.click_rate),
            data.deliveries.get("blocked", 0), data.deliveries.get("failed", 0),
        ),)),
        Table("互动情况", ("互动", "次数"), tuple(
            (INTERACTION_NAMES.get(k, k), n) for k, n in sorted(data.interactions.items()) if n
        )),
        Table("线下普法（合计）", ("活动场次", "覆盖人次", "发放资料份数", "出动人次", "宣传栏期数"), ((
            offline.sessions, offline.people, offline.materials, offline.staff, data.bulletin_issues,
        ),)),
        _activity_table("线下普法（按类型）", "类型", data.activity_kinds),
        _activity_table("线下普法（按村）", "村（社区）", data.activity_villages),
    ]


def _activity_table(title: str, first: str, figures: tuple[ActivityFigures, ...]) -> Table:
    return Table(title, (first, "场次（期数）", "覆盖人次", "发放资料份数", "出动人次"), tuple(
        (f.name, f.sessions, f.people, f.materials, f.staff) for f in figures
    ))


def report_paragraph(data: ReportData, labels: ReportLabels | None = None) -> str:
    """The ready paragraph for the annual report; each sentence appears only when it has figures."""
    labels = labels or ReportLabels()
    period = data.period
    scope = period.village or ""
    sentences: list[str] = []
    if data.questions:
        sentences.append(
            f"{period_phrase(period.start, period.end)}，{scope}通过智慧普法平台解答群众法律咨询{data.questions}人次，"
            f"服务群众{data.people}人，新增用户{data.new_users}人，解答率{percent(data.answered_rate)}"
        )
        topics = [labels.topic_names.get(t, t) for t, _ in data.topics[:PARAGRAPH_TOP_N]]
        laws = "".join(f"《{law}》" for law, _ in data.laws[:PARAGRAPH_TOP_N])
        if topics and laws:
            sentences.append(f"群众咨询集中在{'、'.join(topics)}等方面，涉及{laws}等法律法规")
    else:
        sentences.append(f"{period_phrase(period.start, period.end)}，{scope}智慧普法平台暂无群众咨询记录")
    if data.broadcasts:
        sentences.append(
            f"通过平台推送普法信息{data.broadcasts}期，送达群众{data.delivered}人次，"
            f"点击阅读{data.read_more_clicks}人次，点击率{percent(data.click_rate)}"
        )
    offline = data.offline
    if data.activity_kinds:
        done = "、".join(f"{k.name}{k.sessions}场次" for k in data.activity_kinds if k.name != BULLETIN_KIND)
        parts = [f"线下开展{done}"] if done else []
        if data.bulletin_issues:
            parts.append(f"出刊法治宣传栏{data.bulletin_issues}期")
        parts.append(
            f"面对面宣传覆盖群众{offline.people}人次，发放宣传资料{offline.materials}份，"
            f"出动工作人员{offline.staff}人次"
        )
        sentences.append("，".join(parts))
    return "。".join(sentences) + "。"
