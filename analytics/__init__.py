"""Outreach analytics: the SQLite event store, redaction, and the annual report export."""
