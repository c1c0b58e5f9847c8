"""`pufa activity add|import`, `pufa report` and `pufa demo-data` run end to end on real files."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from analytics.activities import ActivityError, parse_activity
from pufa.cli import main


@pytest.fixture()
def env(tmp_path: Path, knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("PUFA_DATA_DIR", str(data))
    monkeypatch.setenv("PUFA_KNOWLEDGE_DIR", str(knowledge_dir))
    monkeypatch.delenv("PUFA_SECRET", raising=False)
    monkeypatch.delenv("PUFA_RETENTION_DAYS", raising=False)
    return data


def activities(data: Path) -> list[tuple]:
    with sqlite3.connect(data / "pufa.sqlite") as conn:
        return conn.execute(
            "select date, kind, village, people, materials, staff, note from activities order by id").fetchall()


def test_activity_add(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["activity", "add", "--date", "2026-03-15", "--kind", "院坝会", "--village", "青杠村",
                 "--people", "45", "--materials", "120", "--staff", "3", "--note", "土地承包"])
    assert code == 0
    assert activities(env) == [("2026-03-15", "院坝会", "青杠村", 45, 120, 3, "土地承包")]
    assert main(["activity", "add", "--date", "15/03/2026", "--kind", "院坝会"]) == 2
    assert "not a date" in capsys.readouterr().err


def test_activity_import_csv_names_bad_lines_and_keeps_good_rows(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "活动.csv"
    sheet.write_text(
        "日期,活动类型,村,覆盖人次,发放资料份数,出动人次,备注\n"
        "2026-01-05,专题普法宣传,青杠村,60,500,4,赶场天\n"
        "2026-13-01,院坝会,石龙村,30,50,2,\n"
        "2026/02/10,以案释法,石龙村,25,40,2,\n"
        ",,,,,,\n"
        "2026-03-01,院坝会,白果村,很多,50,2,\n"
        "2026年4月1日,法治宣传栏出刊,白果村,,,1,第4期\n",
        encoding="utf-8-sig",
    )
    assert main(["activity", "import", str(sheet)]) == 1
    err = capsys.readouterr()
    assert f"{sheet}:line 3: date '2026-13-01' is not a date" in err.err
    assert f"{sheet}:line 6: people '很多' is not a number" in err.err
    assert "imported 3 activities, 2 row(s) skipped" in err.out
    assert [row[:4] for row in activities(env)] == [
        ("2026-01-05", "专题普法宣传", "青杠村", 60), ("2026-02-10", "以案释法", "石龙村", 25),
        ("2026-04-01", "法治宣传栏出刊", "白果村", 0),
    ]


def test_activity_import_xlsx(env: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "kind", "village", "people", "materials", "staff", "note"])
    sheet.append([date(2026, 5, 1), "执法检查", "双河村", 0, 30, 4, None])
    sheet.append(["2026-05-02", None, "双河村", 1, 1, 1, None])
    path = tmp_path / "a.xlsx"
    book.save(path)
    assert main(["activity", "import", str(path)]) == 1
    assert activities(env) == [("2026-05-01", "执法检查", "双河村", 0, 30, 4, None)]


def test_import_without_required_columns(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("村,人次\n青杠村,3\n", encoding="utf-8")
    assert main(["activity", "import", str(path)]) == 1
    assert "line 1: missing column(s): date, kind" in capsys.readouterr().err


@pytest.mark.parametrize(("values", "message"), [
    ({"date": "2026-01-01", "kind": ""}, "kind is empty"),
    ({"date": "2026-01-01", "kind": "院坝会", "people": "-3"}, "0 or more"),
    ({"date": "2026-01-01", "kind": "院坝会", "materials": "2.5"}, "whole number"),
])
def test_bad_activity_values(values: dict[str, object], message: str) -> None:
    with pytest.raises(ActivityError, match=message):
        parse_activity(values)


def test_counts_written_the_office_way() -> None:
    activity = parse_activity({"date": "2026年3月1日", "kind": "专题普法宣传", "materials": "6200余", "people": "1,200"})
    assert (activity.date, activity.materials, activity.people) == (date(2026, 3, 1), 6200, 1200)


def test_report_command_writes_each_format(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["activity", "add", "--date", "2026-03-15", "--kind", "院坝会", "--village", "青杠村", "--people", "45"])
    for fmt in ("md", "csv", "xlsx", "docx"):
        out = tmp_path / f"report.{fmt}"
        assert main(["report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", fmt,
                     "--output", str(out)]) == 0
        assert out.stat().st_size > 0
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "线下开展院坝会1场次，面对面宣传覆盖群众45人次" in md
    charts = tmp_path / "charts"
    assert main(["report", "--from", "2026-01-01", "--to", "2026-12-31", "--village", "青杠村",
                 "--charts", str(charts), "--output", str(tmp_path / "v.md")]) == 0
    assert sorted(p.name for p in charts.iterdir()) == ["monthly.png", "topics.png", "villages.png"]
    assert main(["report", "--from", "2026-12-31", "--to", "2026-01-01"]) == 2


def test_demo_data_writes_a_sample_report(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sample"
    db = tmp_path / "demo.sqlite"
    assert main(["demo-data", "--db", str(db), "--report-dir", str(out)]) == 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# 智慧普法平台普法工作统计 2026-01-01 至 2026-12-31")
    assert "[电话]" in report and "13800001111" not in report
    assert {p.name for p in out.iterdir()} == {"report.md", "monthly.png", "topics.png", "villages.png"}
    assert not (env / "pufa.sqlite").exists()  # the demo never touches the configured database
    assert main(["demo-data", "--db", str(db)]) == 2  # refuses to mix demo rows into an existing file
