"""Every figure of the outreach report, checked exactly on known events across month and timezone edges.

The store keeps UTC; the report counts local days in Asia/Shanghai (UTC+8). The seed puts events where
the two disagree: 00:10 on 1 January local is still 31 December in UTC, 07:59 on 1 February local is
still 31 January in UTC, and 00:30 on 1 January 2027 local is 2026 in UTC but outside the report year.
"""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest

from analytics.activities import Activity, record_activity
from analytics.charts import CjkFontError, check_glyphs, cjk_font_path, report_charts
from analytics.events import QuestionEvent
from analytics.report_data import ActivityFigures, MonthFigures, PlaceFigures
from analytics.reports import ReportLabels, ReportPeriod, build_report, report_documents, write_report_files
from analytics.store import AnalyticsStore

SH = ZoneInfo("Asia/Shanghai")
YEAR = ReportPeriod(date(2026, 1, 1), date(2026, 12, 31))
LABELS = ReportLabels(
    topic_names={"marriage_family": "婚姻家庭", "labor_wages_injury": "打工工资与工伤", "road_traffic": "道路交通"},
    faq_questions={"family.divorce-agreement": "夫妻双方都同意离婚，怎么办手续？"},
)
DIVORCE = ("family.divorce-agreement", "marriage_family", ("民法典",), ("民法典:1076",))
WAGES = ("labor.unpaid-wages", "labor_wages_injury", ("劳动合同法", "劳动法"), ("劳动合同法:30", "劳动法:50"))
LAND = "我电话13812345678，村里占地怎么赔"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[misc]


def ask(store: AnalyticsStore, user: str, at: datetime, status: str, faq: tuple | None = None,
        text: str = "问题", village: str | None = None, topic: str | None = None) -> int:
    faq_id, faq_topic, laws, citations = faq if faq else (None, topic, (), ())
    return store.record_question(QuestionEvent(user, "telegram", text, status, faq_id, faq_topic, laws,
                                               citations, 0.9, 5.0, village=village, at=at))


@pytest.fixture()
def store(tmp_path: Path):
    s = AnalyticsStore(tmp_path / "pufa.sqlite", b"k")
    s.record_user_seen("A", channel="telegram", at=local(2025, 12, 31, 23, 30))
    ask(s, "A", local(2026, 1, 1, 0, 10), "answered", DIVORCE)
    s.record_user_seen("B", channel="telegram", village="青杠村", source="青杠村宣传栏", at=local(2026, 1, 31, 23, 59))
    ask(s, "B", local(2026, 2, 1, 7, 59), "answered", DIVORCE)
    ask(s, "B", local(2026, 2, 15, 12, 0), "answered", WAGES)
    q4 = ask(s, "B", local(2026, 3, 1, 0, 0), "suggest", topic="road_traffic")
    s.record_user_seen("C", channel="telegram", village="石龙村", source="石龙村宣传栏", at=local(2026, 3, 10, 10, 0))
    q5 = ask(s, "C", local(2026, 3, 10, 10, 5), "fallback", text=LAND)
    ask(s, "C", local(2026, 12, 31, 23, 0), "fallback", text=LAND)
    ask(s, "D", local(2026, 12, 31, 23, 59, 59), "answered", DIVORCE, village="白果村")
    s.record_user_seen("E", channel="telegram", at=local(2027, 1, 1, 0, 30))
    ask(s, "E", local(2027, 1, 1, 0, 30), "answered", DIVORCE)

    push = s.record_broadcast(text="以案释法第1期", tip_id="tip-1", at=local(2026, 6, 1, 10))
    for user, outcome in (("A", "delivered"), ("B", "delivered"), ("C", "blocked"), ("D", "failed")):
        s.record_delivery(push, user, outcome=outcome, at=local(2026, 6, 1, 10))
    s.record_click("A", kind="read_more", target=str(push), at=local(2026, 6, 1, 11))
    late = s.record_broadcast(text="以案释法第2期", tip_id=None, at=local(2027, 1, 1, 0, 0))
    s.record_delivery(late, "A", outcome="delivered", at=local(2027, 1, 1, 0, 0))
    s.record_click("B", kind="article", target="民法典:1076", at=local(2026, 2, 1, 8))
    s.record_click("B", kind="none_of_these", target=str(q4), at=local(2026, 3, 1, 0, 1))
    s.record_feedback("A", faq_id="family.divorce-agreement", helpful=True, at=local(2026, 1, 1, 0, 11))
    s.record_feedback("C", faq_id=None, helpful=False, question_id=q5, at=local(2026, 3, 10, 10, 6))
    s.record_media("D", kind="voice", at=local(2026, 12, 31, 23, 58))

    for day, kind, village, people, materials, staff in (
        (date(2026, 1, 1), "专题普法宣传", "青杠村", 50, 200, 3),
        (date(2026, 12, 31), "院坝会", "石龙村", 40, 60, 2),
        (date(2026, 6, 1), "法治宣传栏出刊", "青杠村", 0, 0, 1),
        (date(2025, 12, 31), "专题普法宣传", "青杠村", 99, 999, 9),
        (date(2027, 1, 1), "院坝会", "石龙村", 99, 999, 9),
    ):
        record_activity(s, Activity(day, kind, village, people, materials, staff))
    yield s
    s.close()


def test_online_figures(store: AnalyticsStore) -> None:
    data = build_report(store, YEAR, LABELS).data
    assert (data.questions, data.people, data.new_users, data.answered) == (7, 4, 3, 4)
    assert data.outcomes == {"answered": 4, "suggest": 1, "fallback": 2}
    assert f"{data.answered_rate:.4f}" == "0.5714"
    months = {m.month: m for m in data.months}
    assert len(months) == 12
    assert months["2026-01"] == MonthFigures("2026-01", 1, 1, 1, 1)
    assert months["2026-02"] == MonthFigures("2026-02", 0, 2, 1, 2)
    assert months["2026-03"] == MonthFigures("2026-03", 1, 2, 2, 0)
    assert months["2026-12"] == MonthFigures("2026-12", 1, 2, 2, 1)
    assert sum(m.questions for m in data.months) == 7
    assert data.villages == (
        PlaceFigures("青杠村", 1, 3, 1), PlaceFigures("石龙村", 1, 2, 1),
        PlaceFigures("未选村", 1, 1, 1), PlaceFigures("白果村", 0, 1, 1),
    )
    assert data.sources == (("直接进入", 1), ("石龙村宣传栏", 1), ("青杠村宣传栏", 1))
    assert data.laws == (("民法典", 3), ("劳动合同法", 1), ("劳动法", 1))
    assert data.topics == (("marriage_family", 3), ("labor_wages_injury", 1), ("road_traffic", 1))
    assert data.top_questions == (("family.divorce-agreement", 3), ("labor.unpaid-wages", 1))
    assert data.top_unanswered == (("我电话[电话]，村里占地怎么赔", 2),)


def test_push_and_interaction_figures(store: AnalyticsStore) -> None:
    data = build_report(store, YEAR).data
    assert (data.broadcasts, data.delivered, data.read_more_clicks) == (1, 2, 1)
    assert data.deliveries == {"delivered": 2, "blocked": 1, "failed": 1}
    assert data.click_rate == 0.5
    assert data.interactions == {
        "click:article": 1, "click:none_of_these": 1, "click:read_more": 1, "helpful": 1, "unhelpful": 1,
        "media:voice": 1,
    }


def test_offline_figures(store: AnalyticsStore) -> None:
    data = build_report(store, YEAR).data
    assert data.offline == ActivityFigures("合计", 2, 90, 260, 6)
    assert data.bulletin_issues == 1
    assert data.activity_kinds == (
        ActivityFigures("专题普法宣传", 1, 50, 200, 3), ActivityFigures("院坝会", 1, 40, 60, 2),
        ActivityFigures("法治宣传栏出刊", 1, 0, 0, 1),
    )
    assert data.activity_villages == (ActivityFigures("青杠村", 1, 50, 200, 4), ActivityFigures("石龙村", 1, 40, 60, 2))


def test_paragraph_states_the_figures(store: AnalyticsStore) -> None:
    assert build_report(store, YEAR, LABELS).paragraph == (
        "2026年，通过智慧普法平台解答群众法律咨询7人次，服务群众4人，新增用户3人，解答率57.1%。"
        "群众咨询集中在婚姻家庭、打工工资与工伤、道路交通等方面，涉及《民法典》《劳动合同法》《劳动法》等法律法规。"
        "通过平台推送普法信息1期，送达群众2人次，点击阅读1人次，点击率50.0%。"
        "线下开展专题普法宣传1场次、院坝会1场次，出刊法治宣传栏1期，"
        "面对面宣传覆盖群众90人次，发放宣传资料260份，出动工作人员6人次。"
    )


def test_one_village(store: AnalyticsStore) -> None:
    report = build_report(store, ReportPeriod(date(2026, 1, 1), date(2026, 12, 31), "青杠村"), LABELS)
    data = report.data
    assert (data.questions, data.people, data.new_users, data.answered) == (3, 1, 1, 2)
    assert data.sources == (("青杠村宣传栏", 1),)
    assert (data.delivered, data.read_more_clicks) == (1, 0)
    assert data.offline == ActivityFigures("合计", 1, 50, 200, 4)
    assert report.paragraph.startswith("2026年，青杠村通过智慧普法平台解答群众法律咨询3人次，服务群众1人")


def test_part_of_a_year_and_an_empty_period(store: AnalyticsStore) -> None:
    data = build_report(store, ReportPeriod(date(2026, 2, 1), date(2026, 2, 28))).data
    assert (data.questions, data.people, data.new_users) == (2, 1, 0)
    assert [m.month for m in data.months] == ["2026-02"]
    empty = build_report(store, ReportPeriod(date(2026, 4, 1), date(2026, 5, 31)))
    assert empty.data.questions == 0
    assert empty.paragraph == "2026年4月1日至2026年5月31日，智慧普法平台暂无群众咨询记录。"


def test_every_format_carries_the_figures(store: AnalyticsStore, tmp_path: Path) -> None:
    report = build_report(store, YEAR, LABELS)
    md = report.render("md").decode()
    assert "| 咨询人次 | 7 |" in md and "| 2026-02 | 0 | 2 | 1 | 100.0% |" in md
    csv_text = report.render("csv").decode("utf-8-sig")
    assert "咨询人次,7" in csv_text and "青杠村,1,3,1" in csv_text

    book = openpyxl.load_workbook(io.BytesIO(report.render("xlsx")))
    assert book.sheetnames[0] == "说明" and len(book.sheetnames) == 1 + len(report.tables)
    overview = [tuple(r) for r in book["总体情况"].iter_rows(values_only=True)]
    assert ("咨询人次", 7) in overview and ("服务人数", 4) in overview
    pushes = list(book["普法推送"].iter_rows(values_only=True))
    assert pushes[1] == (1, 2, 1, "50.0%", 1, 1)

    document = docx.Document(io.BytesIO(report.render("docx")))
    assert report.paragraph in [p.text for p in document.paragraphs]
    first_table = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert ["新增用户（首次使用）", "3"] in first_table

    files = report_documents(store, YEAR, LABELS)
    assert [f.name for f in files] == ["普法统计_2026-01-01_2026-12-31.docx", "普法统计_2026-01-01_2026-12-31.xlsx"]
    assert files[1].data[:2] == b"PK"

    written = write_report_files(report, "md", tmp_path / "out" / "r.md", tmp_path / "charts")
    assert [p.name for p in written] == ["r.md", "monthly.png", "topics.png", "villages.png"]


def test_charts_draw_chinese_without_missing_glyphs(store: AnalyticsStore) -> None:
    data = build_report(store, YEAR, LABELS).data
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" before drawing a box
        charts = report_charts(data, LABELS)
    assert set(charts) == {"monthly.png", "topics.png", "villages.png"}
    assert all(png.startswith(b"\x89PNG") for png in charts.values())


def test_no_cjk_font_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(CjkFontError, match="no Chinese font"):
        cjk_font_path(tmp_path / "missing.ttf", system_families=())


def test_a_character_no_font_can_draw_fails_loudly() -> None:
    with pytest.raises(CjkFontError, match="cannot draw"):
        check_glyphs(["青杠村", "\U00020000村"], cjk_font_path())
