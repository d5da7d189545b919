"""Forum sessions, personal agendas and reminder planning (APScheduler as the clock).

- `bot.schedule.data`: sessions.yaml -> `Schedule` of `ForumSession`s (aware times), checked
- `bot.schedule.plan`: when reminders fall due (pure rules), the reminder time choices
- `bot.schedule.zones`: a participant's own time zone from what they type
- `bot.schedule.render`: dates, times, durations and places in each language
- `bot.schedule.scheduler`: `ReminderScheduler`, the timers (started by `bot.app.run`)

The rules with the database live in `bot.services.agenda` (people's choices) and
`bot.services.reminders` (schedule sync, firing, notices); the handlers in `bot.handlers.schedule`.
"""
