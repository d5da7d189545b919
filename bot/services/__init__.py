"""Business rules of the bot, testable without Telegram."""
