"""Tests of the bot core: settings, database, FSM, i18n, middlewares, pipeline, webhook."""
