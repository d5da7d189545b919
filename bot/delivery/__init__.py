"""The delivery engine: the outbox, its workers and the one rate limiter of the bot token."""
