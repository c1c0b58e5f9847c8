"""Telegram handlers: parse the update, call the matcher, format the reply, record the event."""
