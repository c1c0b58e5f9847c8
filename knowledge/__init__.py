"""The knowledge base and the question matcher. Imports nothing from Telegram, handlers or analytics."""

from pathlib import Path

BUNDLED_KNOWLEDGE_DIR = Path(__file__).resolve().parent
