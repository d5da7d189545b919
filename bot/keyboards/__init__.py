"""Keyboards of the bot's screens, built from translated labels and typed callback data."""
