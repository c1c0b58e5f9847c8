"""pufa (普法): command line and settings around the knowledge base, the Telegram bot and the analytics."""
