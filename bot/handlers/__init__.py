"""Routers by audience. Handlers only route: read the update, call one service, render."""
