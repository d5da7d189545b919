"""fairbot: the Telegram bot of a career fair (students, employers, organisers)."""
