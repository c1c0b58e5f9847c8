"""Villagers asking: answers, suggestions, fallback, menu, media, groups, long texts and the rate limit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot_harness import ADMIN_ID, VILLAGER_ID, add_urgent_entry, bot_settings, running_bot
from conftest import MEDICINE_REFERRAL, PROVOKED_DOG_FAQ
from fake_bot_api import BOT_ID, BOT_USERNAME

DISCLAIMER_MARK = "12348"


def questions_table(settings) -> list[tuple]:
    with sqlite3.connect(settings.database_path) as conn:
        return conn.execute("select status, faq_id, question, user from questions order by id").fetchall()


async def test_a_typed_question_gets_the_answer_with_bold_citation_buttons_and_the_note(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await bot.api.send_text(VILLAGER_ID, "被别人家的狗咬伤了，谁来赔偿？")
        [reply] = await bot.api.wait_sent(1, chat_id=VILLAGER_ID)
    assert "养狗的人赔" in reply.text
    assert "<b>《民法典》第1245条</b>" in reply.text
    assert reply.params["parse_mode"] == "HTML"
    assert reply.text.rstrip().endswith("</i>") and DISCLAIMER_MARK in reply.text.split("\n")[-1]
    data = dict((caption, data) for caption, data in reply.buttons())
    assert data["🔗 相关问题"] == "rel:injury.dog-bite"
    qid = questions_table(settings)[0]
    assert data["👍 有用"].startswith("fb:1:") and data["👎 没用"].startswith("fb:0:")
    assert all(len(d.encode()) <= 64 for d in data.values())
    assert qid[0] == "answered" and qid[1] == "injury.dog-bite"
    assert str(VILLAGER_ID) not in qid[3], "the user id is stored pseudonymised"


async def test_an_urgent_entry_shows_its_emergency_step_first(tmp_path: Path, knowledge_dir: Path) -> None:
    add_urgent_entry(knowledge_dir)
    async with running_bot(bot_settings(tmp_path, knowledge_dir)) as bot:
        await bot.api.send_text(VILLAGER_ID, "老公喝了酒在屋头打我，现在咋个办")
        [reply] = await bot.api.wait_sent(1)
    assert reply.text.startswith("🚨 <b>马上拨打 110 报警")


async def test_close_questions_led_by_an_urgent_entry_still_show_its_emergency_step_first(
        tmp_path: Path, knowledge_dir: Path) -> None:
    add_urgent_entry(knowledge_dir)
    async with running_bot(bot_settings(tmp_path, knowledge_dir)) as bot:
        await bot.api.send_text(VILLAGER_ID, "他打我")
        [reply] = await bot.api.wait_sent(1)
    assert reply.text.startswith("🚨 <b>马上拨打 110 报警，先躲到安全的地方。</b>")
    assert "请点一下最接近的问题" in reply.text
    assert next(iter(dict(reply.buttons()))) == "正在被家暴怎么办？"


async def test_suggestions_answer_when_tapped_and_none_of_these_records_a_gap(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await bot.api.send_text(VILLAGER_ID, "离婚")
        [suggestion] = await bot.api.wait_sent(1)
        buttons = dict(suggestion.buttons())
        assert "都不是" in buttons and buttons["都不是"].startswith("none:")
        await bot.api.tap(VILLAGER_ID, buttons["夫妻双方都同意离婚，怎么办手续？"], on=suggestion)
        answer = (await bot.api.wait_sent(2))[-1]
        assert "离婚协议" in answer.text
        await bot.api.tap(VILLAGER_ID, buttons["都不是"], on=suggestion)
        referral = (await bot.api.wait_sent(3))[-1]
        await bot.api.wait_sent(2, "answerCallbackQuery")
    assert "已经记下" in referral.text and "12348" in referral.text and settings.office_contact in referral.text
    with sqlite3.connect(settings.database_path) as conn:
        kinds = conn.execute("select kind, target from clicks order by id").fetchall()
    assert kinds[0] == ("suggestion", "family.divorce-agreement")
    assert kinds[1][0] == "none_of_these"


async def test_an_answer_offers_a_nearly_as_close_question_and_tapping_it_shows_in_gaps(
        tmp_path: Path, knowledge_dir: Path) -> None:
    """Tapping an alternative answers it, and /gaps shows the clerk the question beside the entry the
    villager chose instead: that wording belongs among that entry's alternates."""
    (knowledge_dir / "faqs" / "provoked.yaml").write_text(PROVOKED_DOG_FAQ, encoding="utf-8")
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await bot.api.send_text(VILLAGER_ID, "被狗咬伤了狗主人赔不赔")
        [answer] = await bot.api.wait_sent(1)
        assert "故意逗惹" in answer.text and "没说到点子上" in answer.text
        buttons = dict(answer.buttons())
        await bot.api.tap(VILLAGER_ID, buttons["被别人家的狗咬伤了，谁来赔偿？"], on=answer)
        other = (await bot.api.wait_sent(2))[-1]
        await bot.api.send_text(ADMIN_ID, "/gaps")
        [gaps] = await bot.api.wait_sent(1, chat_id=ADMIN_ID)
    assert "养狗的人赔" in other.text
    with sqlite3.connect(settings.database_path) as conn:
        clicks = conn.execute("select kind, target, question_id from clicks").fetchall()
        [(question_id,)] = conn.execute("select id from questions").fetchall()
    assert clicks == [("alternative", "injury.dog-bite", question_id)]
    assert "被狗咬伤了狗主人赔不赔（1，答偏了，群众改点了 injury.dog-bite）" in gaps.text


async def test_fallback_is_an_honest_not_sure_with_12348_and_the_office(tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir, office_contact="石板镇司法所 023-0000000")
    async with running_bot(settings) as bot:
        await bot.api.send_text(VILLAGER_ID, "量子力学的基本原理")
        [reply] = await bot.api.wait_sent(1)
    assert "12348" in reply.text and "石板镇司法所 023-0000000" in reply.text
    assert reply.buttons() == []
    assert questions_table(settings)[0][0] == "fallback"


async def test_a_question_outside_the_law_is_referred_and_counted_without_a_legal_topic(
        tmp_path: Path, knowledge_dir: Path) -> None:
    (knowledge_dir / "referrals.yaml").write_text(MEDICINE_REFERRAL, encoding="utf-8")
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await bot.api.send_text(VILLAGER_ID, "老汉儿咳嗽好几天了吃啥子药")
        [reply] = await bot.api.wait_sent(1)
    assert reply.text.startswith("看病吃药要问医生") and DISCLAIMER_MARK in reply.text
    assert "我不太确定" not in reply.text and reply.buttons() == []
    with sqlite3.connect(settings.database_path) as conn:
        assert conn.execute("select status, faq_id, topic from questions").fetchall() == [
            ("fallback", "refer.medicine", None)]


async def test_greeting_gets_the_chitchat_reply(tmp_path: Path, knowledge_dir: Path) -> None:
    async with running_bot(bot_settings(tmp_path, knowledge_dir)) as bot:
        await bot.api.send_text(VILLAGER_ID, "你好")
        [reply] = await bot.api.wait_sent(1)
    assert "普法小助手" in reply.text


async def test_menu_buttons_open_topics_laws_office_and_help(tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir, office_contact="镇司法所（赶场天也开门）")
    async with running_bot(settings) as bot:
        for label in ("常见问题", "按法律查", "找司法所", "帮助"):
            await bot.api.send_text(VILLAGER_ID, label)
            await bot.api.wait_sent(len(bot.api.sent()) + 1)
        topics_, laws, office, help_ = bot.api.sent()
    assert ("人身损害", "tp:personal_injury:0") in topics_.buttons()
    assert ("《民法典》", "lp:民法典:0") in laws.buttons()
    assert "镇司法所（赶场天也开门）" in office.text
    assert "/law" in help_.text
    assert not questions_table(settings), "menu taps are not questions"


async def test_voice_photo_and_sticker_get_a_kind_note_and_are_counted(tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        api = bot.api
        await api.push("message", api.message(VILLAGER_ID, voice={"file_id": "v", "file_unique_id": "v", "duration": 3}))
        await api.push("message", api.message(VILLAGER_ID, photo=[
            {"file_id": "p", "file_unique_id": "p", "width": 10, "height": 10}]))
        await api.push("message", api.message(VILLAGER_ID, sticker={
            "file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
            "is_animated": False, "is_video": False}))
        replies = await api.wait_sent(3)
    assert all("打成文字" in r.text and "常见问题" in r.keyboard() for r in replies)
    with sqlite3.connect(settings.database_path) as conn:
        kinds = sorted(k for (k,) in conn.execute("select kind from media"))
    assert kinds == ["photo", "sticker", "voice"]


async def test_in_a_group_only_mentions_replies_and_commands_are_answered(
        tmp_path: Path, knowledge_dir: Path) -> None:
    group = -100555
    async with running_bot(bot_settings(tmp_path, knowledge_dir)) as bot:
        api = bot.api
        await api.send_text(VILLAGER_ID, "被别人家的狗咬伤了，谁来赔偿？", chat_id=group, chat_type="supergroup")
        await api.send_text(VILLAGER_ID, "常见问题", chat_id=group, chat_type="supergroup")
        await api.send_text(VILLAGER_ID, f"@{BOT_USERNAME} 老板拖欠工资不给怎么办？", chat_id=group,
                            chat_type="supergroup")
        [mentioned] = await api.wait_sent(1, chat_id=group)
        bot_message = {"message_id": 1, "date": 0, "chat": api.chats[group],
                       "from": {"id": BOT_ID, "is_bot": True, "first_name": "普法"}, "text": "…"}
        await api.send_text(VILLAGER_ID, "喝了酒开车会怎么处罚？", chat_id=group, chat_type="supergroup",
                            reply_to=bot_message)
        replied = (await api.wait_sent(2, chat_id=group))[-1]
        await api.send_text(VILLAGER_ID, "/help", chat_id=group, chat_type="supergroup")
        help_ = (await api.wait_sent(3, chat_id=group))[-1]
    assert "12333" in mentioned.text
    assert "代驾" in replied.text
    assert "/law" in help_.text
    assert len(api.sent(chat_id=group)) == 3, "the unaddressed question and menu text got no reply"


async def test_a_long_answer_is_split_under_telegrams_limit_with_buttons_on_the_last_part(
        tmp_path: Path, knowledge_dir: Path) -> None:
    long_answer = "。".join(f"第{i}步，先把证据留好，再去找村委会调解，调解不成可以起诉" for i in range(400)) + "。"
    (knowledge_dir / "faqs" / "long.yaml").write_text(f"""\
- id: long.entry
  question: 邻居占了我家的路不让走怎么办？
  alternates: [邻居把路堵了不让过, 隔壁占路, 占道 不让走, 邻居占了我屋头的路]
  answer: {long_answer}
  citations: [{{law: 民法典, article: 291}}]
  topic: neighbor_property
  keywords: [相邻关系, 通行]
""", encoding="utf-8")
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await bot.api.send_text(VILLAGER_ID, "邻居占了我家的路不让走怎么办？" + "啊" * 5000)
        await bot.api.wait_for(lambda api: any(c.buttons() for c in api.sent()))
        parts = bot.api.sent()
    assert len(parts) >= 4
    assert all(len(p.text.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert [bool(p.buttons()) for p in parts] == [False] * (len(parts) - 1) + [True]
    status, faq_id, question, _ = questions_table(settings)[0]
    assert (status, faq_id) == ("answered", "long.entry") and len(question) == 300


async def test_a_flood_gets_one_polite_notice_and_others_are_still_served(
        tmp_path: Path, knowledge_dir: Path) -> None:
    flooder, other = 2001, 2002
    settings = bot_settings(tmp_path, knowledge_dir, rate_limit_per_minute=3)
    async with running_bot(settings) as bot:
        for _ in range(8):
            await bot.api.send_text(flooder, "喝了酒开车会怎么处罚？")
        await bot.api.send_text(other, "喝了酒开车会怎么处罚？")
        await bot.api.wait_sent(1, chat_id=other)
        await bot.api.wait_for(lambda api: not api._updates)
        await bot.api.wait_sent(4, chat_id=flooder)
    flood_replies = bot.api.sent(chat_id=flooder)
    notices = [r for r in flood_replies if "发得太快" in r.text]
    assert len(notices) == 1 and len(flood_replies) == 4
    assert len(questions_table(settings)) == 4
