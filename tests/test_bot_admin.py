"""The judicial office's commands, for admins and (refused) for everyone else, and the broadcast."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from bot_harness import ADMIN_ID, VILLAGER_ID, bot_settings, running_bot

ADMIN_COMMANDS = ("/reload", "/stats", "/gaps", "/report 2026", "/broadcast 你好", "/broadcast tip")
REFUSAL = "抱歉，这个功能不能用。有法律问题可以直接打字问我。"


def rows(settings, sql: str) -> list[tuple]:
    with sqlite3.connect(settings.database_path) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize("chat_type", ["private", "group"])
async def test_admin_commands_are_refused_to_everyone_else(
        tmp_path: Path, knowledge_dir: Path, chat_type: str) -> None:
    chat_id = VILLAGER_ID if chat_type == "private" else -100777
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        for command in ADMIN_COMMANDS:
            await bot.api.send_text(VILLAGER_ID, command, chat_id=chat_id, chat_type=chat_type)
        replies = await bot.api.wait_sent(len(ADMIN_COMMANDS))
    assert [r.text for r in replies] == [REFUSAL] * len(ADMIN_COMMANDS)
    assert not bot.api.sent("sendDocument")
    assert rows(settings, "select count(*) from broadcasts") == [(0,)]


async def test_reload_swaps_in_a_good_base_and_keeps_serving_on_a_broken_one(
        tmp_path: Path, knowledge_dir: Path) -> None:
    async with running_bot(bot_settings(tmp_path, knowledge_dir)) as bot:
        api = bot.api
        extra = knowledge_dir / "faqs" / "extra.yaml"
        extra.write_text((knowledge_dir / "faqs" / "small.yaml").read_text(encoding="utf-8")
                         .replace("id: injury.dog-bite", "id: injury.cat-scratch")
                         .replace("id: family.", "id: family2.").replace("id: labor.", "id: labor2.")
                         .replace("id: traffic.", "id: traffic2.")
                         .replace("related: [family.divorce-agreement]", "related: []"), encoding="utf-8")
        await api.send_text(ADMIN_ID, "/reload")
        [ok] = await api.wait_sent(1)
        assert "8 条" in ok.text and len(bot.services.engine.current.kb.faqs) == 8
        extra.write_text("- id: broken\n  question: [unclosed\n", encoding="utf-8")
        await api.send_text(ADMIN_ID, "/reload")
        failed = (await api.wait_sent(2))[-1]
        await api.send_text(VILLAGER_ID, "喝了酒开车会怎么处罚？")
        answer = await api.wait_sent(1, chat_id=VILLAGER_ID)
    assert "仍在使用原来的版本" in failed.text
    assert "extra.yaml:2" in failed.text or "extra.yaml:3" in failed.text
    assert len(bot.services.engine.current.kb.faqs) == 8
    assert "代驾" in answer[0].text


async def test_stats_and_gaps_report_what_villagers_asked(tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        api = bot.api
        for user, text in ((1, "喝了酒开车会怎么处罚？"), (2, "喝了酒开车会怎么处罚？"),
                           (3, "量子力学的基本原理 电话13812345678"), (3, "离婚")):
            await api.send_text(user, text)
        await api.wait_sent(2, chat_id=3, timeout=10)
        suggestion = next(c for c in api.sent(chat_id=3) if c.buttons())
        await api.tap(3, dict(suggestion.buttons())["都不是"], on=suggestion)
        await api.wait_sent(5)
        await api.send_text(ADMIN_ID, "/stats today")
        [stats] = await api.wait_sent(1, chat_id=ADMIN_ID)
        await api.send_text(ADMIN_ID, "/gaps")
        gaps = (await api.wait_sent(2, chat_id=ADMIN_ID))[-1]
        await api.send_text(ADMIN_ID, "/stats decade")
        usage = (await api.wait_sent(3, chat_id=ADMIN_ID))[-1]
    assert "提问 4 次，3 人，答上率 50%" in stats.text
    assert "道路交通：2" in stats.text
    assert "量子力学" in gaps.text and "13812345678" not in gaps.text, "phone numbers are redacted"
    assert "离婚（1，都不是）" in gaps.text
    assert "用法" in usage.text


async def test_report_sends_docx_and_xlsx(tmp_path: Path, knowledge_dir: Path) -> None:
    async with running_bot(bot_settings(tmp_path, knowledge_dir)) as bot:
        await bot.api.send_text(VILLAGER_ID, "喝了酒开车会怎么处罚？")
        await bot.api.wait_sent(1)
        await bot.api.send_text(ADMIN_ID, "/report 2026-01-01 2026-12-31")
        documents = await bot.api.wait_sent(2, "sendDocument", timeout=20)
        await bot.api.send_text(ADMIN_ID, "/report last-year")
        usage = (await bot.api.wait_sent(2, chat_id=ADMIN_ID))[-1]
    names = sorted(d.params["_file_name"] for d in documents)
    assert names == ["普法统计_2026-01-01_2026-12-31.docx", "普法统计_2026-01-01_2026-12-31.xlsx"]
    docx_bytes = next(iter(documents[0].files.values()))
    assert docx_bytes[:2] == b"PK", "a real Office (zip) document"
    assert "用法" in usage.text


async def test_broadcast_paces_honours_429_and_unsubscribes_blocked_users(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    subscribers = [3001, 3002, 3003, 3004]
    async with running_bot(settings) as bot:
        api = bot.api
        for user in subscribers:
            await api.send_text(user, "/subscribe")
        await api.wait_sent(4)
        api.fail("sendMessage", 429, retry_after=1, chat_id=3002)
        api.fail("sendMessage", 403, chat_id=3003)
        api.fail("sendMessage", 400, chat_id=3004, description="Bad Request: chat not found")
        await api.send_text(ADMIN_ID, "/broadcast tip tip.dog-leash")
        await api.wait_for(lambda a: any("发送完毕" in c.text for c in a.sent(chat_id=ADMIN_ID)), timeout=10)
        started, done = api.sent(chat_id=ADMIN_ID)
        pushed = api.sent(chat_id=3001)[-1]
        await api.tap(3001, dict(pushed.buttons())["📖 阅读全文"], on=pushed)
        read_more = (await api.wait_sent(3, chat_id=3001))[-1]
    assert "4 位订阅者" in started.text
    assert "成功 2" in done.text and "已拉黑（已取消订阅）1" in done.text and "失败 1" in done.text
    assert "遛狗不拴绳" in pushed.text and "12348" in pushed.text
    assert "养狗的人赔" in read_more.text
    retried = [c.status for c in api.calls if c.method == "sendMessage" and c.chat_id == 3002]
    assert retried[-2:] == [429, 200]
    assert rows(settings, "select outcome, count(*) from deliveries group by outcome order by outcome") == [
        ("blocked", 1), ("delivered", 2), ("failed", 1)]
    assert sorted(c for (c,) in rows(settings, "select chat_id from subscriptions where unsubscribed_at is null")) \
        == [3001, 3002, 3004]
    assert rows(settings, "select kind, target from clicks") == [("read_more", "tip.dog-leash")]


async def test_broadcast_of_free_text_and_usage(tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await bot.api.send_text(VILLAGER_ID, "/subscribe")
        await bot.api.wait_sent(1)
        await bot.api.send_text(ADMIN_ID, "/broadcast")
        await bot.api.wait_sent(1, chat_id=ADMIN_ID)
        await bot.api.send_text(ADMIN_ID, "/broadcast 本周六上午司法所在村委会开院坝会，欢迎参加。")
        await bot.api.wait_for(lambda a: any("发送完毕" in c.text for c in a.sent(chat_id=ADMIN_ID)))
    usage = bot.api.sent(chat_id=ADMIN_ID)[0]
    pushed = bot.api.sent(chat_id=VILLAGER_ID)[-1]
    assert "用法" in usage.text
    assert "院坝会" in pushed.text and pushed.buttons() == []
    assert rows(settings, "select text, tip_id from broadcasts") == [("本周六上午司法所在村委会开院坝会，欢迎参加。", None)]
