"""Allows `python -m bot` as a synonym of the `fairbot` command."""

from bot.cli import main

raise SystemExit(main())
