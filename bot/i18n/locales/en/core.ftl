# Core texts: help, cancel, fallbacks, errors, the command menu.
# Every message here exists in kk, ru and en with the same placeholders (tests check it).
# Texts are sent with parse_mode=HTML: only <b>, <i>, <a href>, <code> and the like.

language-name = English

help =
    <b>Fairbot — your guide to the career fair</b>

    I match your interests with the organisations exhibiting at the fair, explain every match, and pass your contact only to the organisations you choose.

    /start — begin or start over
    /profile — your profile: view and edit it
    /matches — the organisations that fit you, with reasons
    /schedule — the forum's programme; pick sessions to be reminded of
    /my_schedule — your sessions and what is next
    /reminders — when to remind you
    /timezone — your time zone
    /language — change the language
    /privacy — what is stored and whom you share your contact with
    /my_data — everything stored about you, as a file
    /delete_me — delete all your data
    /help — this message
    /cancel — stop the current step

cancel-done = Cancelled. Send /help to see what I can do.
cancel-nothing = There is nothing to cancel.

unknown-command = I don't know the command { $command }. Here is what I can do:
not-understood = Sorry, I didn't understand that. Send /help to see what I can do.
callback-stale = This button is out of date. Please use the latest message.

error-generic = Something went wrong on our side. Please try again.
error-temporary = The bot is having a temporary problem. Your message is not lost: I will answer it automatically in a moment. If nothing happens within a few minutes, please try again.
throttled = You are sending messages too quickly. Please wait a few seconds, then I will answer again.

menu-start = Start or start over
menu-help = What this bot can do
menu-cancel = Stop the current step
