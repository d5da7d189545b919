# The schedule: /schedule, /my_schedule, /reminders, /timezone, reminders and schedule notices.
# Every message here exists in kk, ru and en with the same placeholders (tests check it).

## Durations ("15 minutes before", "in 1 hour")

span-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
span-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
span-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
span-hours-minutes = { $hours ->
    [one] { $hours } hour
   *[other] { $hours } hours
} { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}

## Kinds of sessions

session-kind-talk = Talk
session-kind-workshop = Workshop
session-kind-symposium = Symposium
session-kind-plenary = Plenary session
session-kind-panel = Panel discussion
session-kind-career-fair = Career fair
session-kind-exhibition = Exhibition
session-kind-ceremony = Ceremony
session-kind-networking = Networking
session-kind-other = Forum

## /schedule

schedule-empty = The schedule has not been published yet. Please look again later.
schedule-header =
    📅 <b>Schedule · { $day }</b>
    <i>Times in { $zone }</i>
schedule-item =
    <b>{ $time }</b> · { $title }
    { $kind } · { $place }
schedule-item-following =
    🔔 <b>{ $time }</b> · { $title }
    { $kind } · { $place }
schedule-item-cancelled = <s>{ $time } · { $title }</s> — cancelled
schedule-item-description = <i>{ $description }</i>
schedule-footer = 🔔 marks your sessions: I remind you { $offsets } before each. Tap a session below to add or remove it.
schedule-footer-none = 🔔 marks your sessions. You chose no reminder times, so I won't message you before them: ⏰ below.
schedule-button-remind = 🔔 Remind me · { $time } { $title }
schedule-button-following = ✅ { $time } { $title }
schedule-button-reminders = ⏰ Reminder times
schedule-button-zone = 🌐 Time zone
schedule-button-mine = 📋 My schedule
schedule-button-agenda = 📅 Schedule

remind-on = 🔔 I'll remind you of “{ $title }” { $offsets } before it starts.
remind-on-silent = ✅ “{ $title }” is in your schedule. You chose no reminder times: see ⏰ Reminder times.
remind-off = 🔕 “{ $title }” is no longer in your schedule.
remind-started = This session has already started, so there is nothing to remind you of.
remind-cancelled = This session is cancelled: there will be no reminder for it.
remind-gone = This session is no longer on the schedule.

## /my_schedule

my-schedule-empty = You have not picked any sessions yet. Open /schedule and tap 🔔 on the ones you want to attend.
my-schedule-header =
    📋 <b>My schedule</b>
    <i>Times in { $zone }</i>
my-schedule-next = ⏭ Next: <b>{ $title }</b>, { $when } (in { $duration })
my-schedule-now = ▶️ Now: <b>{ $title }</b>, until { $until }
my-schedule-done = All your sessions are over. Thank you for coming!
my-schedule-item-past = ✔️ <s>{ $when } · { $title }</s>
my-schedule-item-now =
    ▶️ <b>{ $when } · { $title }</b>
    { $place }
my-schedule-item-next =
    ⏭ <b>{ $when } · { $title }</b>
    { $place }
my-schedule-item-later =
    🔔 { $when } · { $title }
    { $place }
my-schedule-item-cancelled = ❌ <s>{ $when } · { $title }</s> — cancelled
my-schedule-footer = Reminders: { $offsets } before each session.
my-schedule-footer-none = Reminders: none (⏰ to choose).

## /reminders

reminders-header =
    ⏰ <b>When should I remind you?</b>
    Choose one or several. Now: { $offsets } before each session.
reminders-header-none =
    ⏰ <b>When should I remind you?</b>
    Now: never. Your sessions stay in /my_schedule, but I won't message you before they start.
reminders-button-on = ✅ { $duration } before
reminders-button-off = { $duration } before
reminders-unknown = This choice is no longer offered. Please use the latest buttons.

## /timezone

timezone-prompt =
    🌐 Your time zone: <b>{ $zone }</b> (it is { $time } there now). The schedule and your reminders use it.

    Pick one below, or type a city or zone name (Europe/Berlin, Tashkent) or a UTC offset (+3, UTC-05:30). /cancel keeps it as it is.
timezone-set = ✅ Time zone set to <b>{ $zone }</b>: it is { $time } there now.
timezone-unknown = I don't know the time zone “{ $text }”. Type a city or zone name such as Europe/Berlin or Tashkent, or a UTC offset such as +3 or UTC-05:30. /cancel keeps your zone as it is.
timezone-button-forum = 📍 Forum time: { $zone }

## Messages sent by the bot on its own

reminder =
    ⏰ In { $duration }: <b>{ $title }</b>
    { $day }, { $time } · { $place }
schedule-moved =
    🕑 <b>{ $title }</b> has moved: now { $when } (was { $was }).
    { $place }. Your reminders move with it.
schedule-cancelled = ❌ <b>{ $title }</b> ({ $when }) is cancelled. You will get no reminder for it.
schedule-reinstated =
    ✅ <b>{ $title }</b> is back on the schedule: { $when }, { $place }.
    Your reminders are on again.
fair-nudge =
    🧭 <b>{ $title }</b> opens in { $duration }, at { $time } ({ $place }). Your best matches are there:
    { $organisations }
fair-nudge-org = • <b>{ $name }</b>, booth { $booth }
fair-nudge-org-no-booth = • <b>{ $name }</b> (ask at the entrance for the booth)

## The command menu

menu-schedule = The forum's schedule; pick sessions
menu-my-schedule = Your sessions and what is next
menu-reminders = When to remind you
menu-timezone = Your time zone
