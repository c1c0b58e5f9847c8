"""Commands and buttons villagers use: /start (with deep links), /help, /topics, /law, subscriptions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot_harness import VILLAGER_ID, bot_settings, running_bot

from knowledge.statutes import StatuteStore

DOG_BITE_ARTICLE = "第一千二百四十五条　饲养的动物造成他人损害的，动物饲养人或者管理人应当承担侵权责任。"


def rows(settings, sql: str) -> list[tuple]:
    with sqlite3.connect(settings.database_path) as conn:
        return conn.execute(sql).fetchall()


async def test_start_welcomes_with_menu_examples_and_village_choice(tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await bot.api.send_text(VILLAGER_ID, "/start")
        welcome, examples, villages = await bot.api.wait_sent(3)
        assert welcome.keyboard() == ["常见问题", "按法律查", "找司法所", "帮助"]
        assert [d for _, d in examples.buttons()] == ["ex:0", "ex:1", "ex:2"]
        assert ("青山村", "v:qingshan") in villages.buttons() and ("跳过", "v:-") in villages.buttons()
        await bot.api.tap(VILLAGER_ID, "ex:1", on=examples)
        answer = (await bot.api.wait_sent(4))[-1]
        await bot.api.tap(VILLAGER_ID, "v:shiban", on=villages)
        [edited] = await bot.api.wait_sent(1, "editMessageText")
    assert "养狗的人" in answer.text
    assert "石板村" in edited.text
    assert rows(settings, "select village, source from users") == [("shiban", None)]


async def test_a_poster_deep_link_sets_the_village_and_counts_the_poster(tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await bot.api.send_text(VILLAGER_ID, "/start v-huangjiao")
        replies = await bot.api.wait_sent(3)
        await bot.api.send_text(VILLAGER_ID, "喝了酒开车会怎么处罚？")
        await bot.api.wait_sent(4)
    assert "黄桷村" in replies[-1].text
    assert rows(settings, "select village, source from users") == [("huangjiao", "poster")]
    assert rows(settings, "select village from questions") == [("huangjiao",)]


async def test_topics_browse_to_an_answer_and_back(tmp_path: Path, knowledge_dir: Path) -> None:
    async with running_bot(bot_settings(tmp_path, knowledge_dir)) as bot:
        api = bot.api
        await api.send_text(VILLAGER_ID, "/topics")
        [topics] = await api.wait_sent(1)
        await api.tap(VILLAGER_ID, "tp:road_traffic:0", on=topics)
        [page] = await api.wait_sent(1, "editMessageText")
        assert page.buttons() == [("喝了酒开车会怎么处罚？", "a:t:traffic.drunk-driving"), ("⬅️ 返回", "tl")]
        await api.tap(VILLAGER_ID, "a:t:traffic.drunk-driving", on=page)
        answer = (await api.wait_sent(2))[-1]
        assert ("⬅️ 返回", "tp:road_traffic:0") in answer.buttons()
        await api.tap(VILLAGER_ID, "tl", on=page)
        back = (await api.wait_sent(2, "editMessageText"))[-1]
        await api.tap(VILLAGER_ID, "ll", on=back)
        laws = (await api.wait_sent(3, "editMessageText"))[-1]
        await api.tap(VILLAGER_ID, "lp:劳动法:0", on=laws)
        law_page = (await api.wait_sent(4, "editMessageText"))[-1]
    assert "代驾" in answer.text
    assert back.buttons() == topics.buttons()
    assert ("《劳动法》", "lp:劳动法:0") in laws.buttons()
    assert law_page.buttons()[0] == ("老板拖欠工资不给怎么办？", "a:l:labor.unpaid-wages")


async def test_law_shows_the_article_text_and_the_questions_citing_it(tmp_path: Path, knowledge_dir: Path) -> None:
    statutes = tmp_path / "laws"
    statutes.mkdir()
    (statutes / "民法典.md").write_text(f"# 民法典\n\n{DOG_BITE_ARTICLE}\n", encoding="utf-8")
    settings = bot_settings(tmp_path, knowledge_dir)
    StatuteStore(settings.database_path).import_folder(statutes)
    async with running_bot(settings) as bot:
        for command in ("/law 民法典 1245", "/law", "/law 火星法 3"):
            await bot.api.send_text(VILLAGER_ID, command)
            await bot.api.wait_sent(len(bot.api.sent()) + 1)
        article, usage, unknown = bot.api.sent()
        await bot.api.send_text(VILLAGER_ID, "被别人家的狗咬伤了，谁来赔偿？")
        answer = (await bot.api.wait_sent(4))[-1]
        await bot.api.tap(VILLAGER_ID, "art:injury.dog-bite", on=answer)
        original = (await bot.api.wait_sent(5))[-1]
    assert "<b>《民法典》第1245条</b>" in article.text and "动物饲养人或者管理人" in article.text
    assert article.buttons() == [("被别人家的狗咬伤了，谁来赔偿？", "a:l:injury.dog-bite")]
    assert "用法" in usage.text and "没找到" in unknown.text
    assert ("📜 法条原文", "art:injury.dog-bite") in answer.buttons()
    assert "动物饲养人或者管理人应当承担侵权责任" in original.text


async def test_related_feedback_and_forged_buttons(tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        api = bot.api
        await api.send_text(VILLAGER_ID, "被别人家的狗咬伤了，谁来赔偿？")
        [answer] = await api.wait_sent(1)
        buttons = dict(answer.buttons())
        await api.tap(VILLAGER_ID, buttons["🔗 相关问题"], on=answer)
        related = (await api.wait_sent(2))[-1]
        await api.tap(VILLAGER_ID, buttons["👎 没用"], on=answer)
        for forged in ("admin:reload", "a:s:no.such-entry", "fb:1:x:y", "tp:x", "none:abc", "", "v:nowhere"):
            await api.tap(VILLAGER_ID, forged, on=answer)
        await api.wait_sent(9, "answerCallbackQuery")
    assert related.buttons() == [("夫妻双方都同意离婚，怎么办手续？", "a:r:family.divorce-agreement")]
    thanks = [c for c in api.sent("answerCallbackQuery") if c.params.get("text")]
    assert len(thanks) == 1 and "谢谢" in thanks[0].params["text"]
    qid = rows(settings, "select id from questions")[0][0]
    assert rows(settings, "select faq_id, question_id, helpful from feedback") == [("injury.dog-bite", qid, 0)]


async def test_subscribe_and_unsubscribe(tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await bot.api.send_text(VILLAGER_ID, "/subscribe")
        await bot.api.wait_sent(1)
        assert rows(settings, "select chat_id, unsubscribed_at is null from subscriptions") == [(VILLAGER_ID, 1)]
        await bot.api.send_text(VILLAGER_ID, "/unsubscribe")
        subscribed, unsubscribed = await bot.api.wait_sent(2)
    assert "订阅成功" in subscribed.text and "取消订阅" in unsubscribed.text
    assert rows(settings, "select unsubscribed_at is null from subscriptions") == [(0,)]


async def test_help_and_an_unknown_command(tmp_path: Path, knowledge_dir: Path) -> None:
    async with running_bot(bot_settings(tmp_path, knowledge_dir)) as bot:
        await bot.api.send_text(VILLAGER_ID, "/help")
        await bot.api.wait_sent(1)
        await bot.api.send_text(VILLAGER_ID, "/frobnicate")
        help_, unknown = await bot.api.wait_sent(2)
    assert "/subscribe" in help_.text and "12348" in help_.text
    assert unknown.text == "抱歉，这个功能不能用。有法律问题可以直接打字问我。"
