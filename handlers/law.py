"""/law 民法典 1079: one article's text (when statutes are imported) and the questions that cite it."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import ContextTypes

from handlers.answers import Reply, citing_reply, send_reply
from handlers.services import services
from knowledge.model import Citation


def article_query(args: list[str]) -> str:
    """`民法典 1079` -> `民法典第1079条`, so the finder (which wants 第 or 条) reads it; other forms pass through."""
    if len(args) == 2 and args[1].isdigit():
        return f"{args[0]}第{args[1]}条"
    return "".join(args)


async def show_law(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the requested article, or explain the usage."""
    message = update.effective_message
    if message is None:
        return
    svc = services(context)
    if not context.args:
        await send_reply(message, Reply((html.escape(svc.messages.text("law_usage")),)), svc)
        return
    engine = svc.engine.current
    kb = engine.kb
    reference = engine.matcher.articles.find(article_query(context.args))
    if reference is None:
        await send_reply(message, Reply((html.escape(svc.messages.text("law_unknown")),)), svc)
        return
    citation = Citation(law=reference.law, article=reference.article)
    await send_reply(message, citing_reply(svc, citation, kb.faqs_citing(reference.law, reference.article)), svc)
