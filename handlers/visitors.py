"""Remembering who has been here (pseudonymously, in analytics) and which village they chose.

Questions need neither call: `AnalyticsStore.record_question` files a first-time asker and takes the
village the asker chose, in the same write."""

from __future__ import annotations

from handlers.services import BotServices

CHANNEL = "telegram"


async def note_visitor(svc: BotServices, user_id: int, *, village: str | None = None,
                       source: str | None = None) -> None:
    """Record first contact once per process; a deep-link village is stored with it."""
    if user_id in svc.seen_users and village is None:
        return
    svc.seen_users.add(user_id)
    await svc.analytics.run(
        lambda store: store.record_user_seen(user_id, channel=CHANNEL, village=village, source=source)
    )
    if village is not None:
        await choose_village(svc, user_id, village)


async def choose_village(svc: BotServices, user_id: int, village: str) -> None:
    """Store the village a villager picked (or their poster brought them from)."""
    await svc.analytics.run(lambda store: store.set_village(user_id, village))

