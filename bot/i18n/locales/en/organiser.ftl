# The organiser console: broadcasts, statistics, data reload, organisers, audit log.
# Every message here exists in kk, ru and en with the same placeholders (tests check it).

organiser-only-admins = Only the admins named in ADMIN_IDS can appoint or remove organisers.

## Broadcast: composing

broadcast-ask-content =
    <b>New broadcast</b>
    Send the message to broadcast: text, a photo or a document (with a caption if you like). Formatting is kept. Write <code>{"{"}name{"}"}</code> where each recipient's name should go.

    /cancel to stop.
broadcast-unsupported = I can broadcast text, a photo or a document. Please send one of those, or /cancel.
broadcast-too-long = This is too long to broadcast: at most { $limit } characters (each <code>{"{"}name{"}"}</code> counts as { $name_max }). Please shorten it.
broadcast-ask-audience = Who should receive it?
broadcast-ask-value = Choose one:
broadcast-no-values = Nobody to choose from yet.
broadcast-name-fallback = participant

audience-all = Everyone
audience-students = Students
audience-employers = Employers
audience-lang = By language
audience-topic = By interest
audience-org = Matched to an organisation
audience-session = Subscribers of a session

## Broadcast: preview and confirmation

broadcast-preview =
    <b>Broadcast #{ $id }</b> — preview above (as someone without a name on file sees it).
    Audience: { $audience }
    Recipients now: <b>{ $count }</b>
broadcast-preview-empty = Nobody would receive it: the audience is empty. Edit it or cancel.
broadcast-confirm-button = ✅ Send to { $count }
broadcast-edit-button = ✏️ Edit
broadcast-discard-button = ✖️ Cancel
broadcast-cancel-button = ⛔ Stop broadcast
broadcast-discarded = Broadcast #{ $id } cancelled before sending.
broadcast-stale = This broadcast is no longer a draft of yours.
broadcast-started = Sending…
broadcast-not-running = This broadcast is not sending any more.
broadcast-stopping = Stopping: { $count } messages will not be sent.

## Broadcast: progress and report

broadcast-progress =
    📣 <b>Broadcast #{ $id }</b> is being sent
    <code>{ $bar }</code> { $percent }%
    Sent { $sent } of { $total } · failed { $failed } · blocked { $blocked } · left { $left }
    { $rate } messages/s · about { $eta } left
broadcast-progress-cancelling =
    ⛔ <b>Broadcast #{ $id }</b> is being stopped
    Sent { $sent } of { $total } · the last { $left } on their way
broadcast-report-done =
    ✅ <b>Broadcast #{ $id } finished</b>
    Sent: { $sent } of { $total }
    Failed: { $failed }
    Blocked the bot: { $blocked }
    Took { $took } ({ $rate } messages/s)
broadcast-report-cancelled =
    ⛔ <b>Broadcast #{ $id } stopped</b>
    Sent: { $sent } of { $total }
    Not sent (stopped): { $not_sent }
    Failed: { $failed }
    Blocked the bot: { $blocked }
rate-unknown = —
duration-seconds = { $s } s
duration-minutes = { $m } min { $s } s
duration-hours = { $h } h { $m } min

## Statistics

stats-title = 📊 <b>Fair statistics</b>
stats-students = Students registered: <b>{ $total }</b> (profiles completed: { $completed })
stats-per-day = Registered per day (last { $days }):
stats-day = { $day }: { $count }
stats-orgs = Per organisation (matched / contacts shared):
stats-org = { $org }: { $matches } / { $contacts }
stats-topics = Top interests:
stats-topic = { $topic }: { $count }
stats-broadcasts = Recent broadcasts (sent / failed / blocked / left):
stats-broadcast = #{ $id } { $audience }: { $sent } / { $failed } / { $blocked } / { $left }
stats-none = none yet
stats-chart-caption = Fair statistics as of { $when }
stats-chart-per-day = Students registered per day
stats-chart-orgs = Matches and contacts shared per organisation
stats-chart-matches = matched
stats-chart-contacts = contacts shared
stats-chart-topics = Top interests
stats-chart-delivery = Broadcast delivery
stats-chart-sent = sent
stats-chart-failed = failed
stats-chart-blocked = blocked
stats-chart-left = left

## Reloading data

reload-done =
    🔄 Data reloaded: { $topics } topics, { $exhibitors } organisations.
    The other bot processes follow within { $seconds } s.
reload-refused =
    ⚠️ The data files have errors; the data in use stays as it was.
    { $problems }
reload-more = …and { $count } more.

## Organisers

organisers-list =
    <b>Organisers</b>
    { $list }

    Appoint: <code>/organisers add USER_ID</code>
    Remove: <code>/organisers remove USER_ID</code> or the buttons below.
organiser-admin = { $id } (admin)
organiser-appointed = { $id } (appointed by { $by })
organiser-remove-button = Remove { $id }
organiser-added = { $id } is now an organiser.
organiser-already = { $id } is an organiser already.
organiser-removed = { $id } is no longer an organiser.
organiser-not-found = { $id } is not an appointed organiser.
organiser-bad-id = Give a Telegram user id (digits), e.g. <code>/organisers add 123456789</code>.

## Audit log

audit-title = <b>Organiser actions</b> (newest first)
audit-entry = { $when } · { $actor } · { $action } { $subject }
audit-empty = Nothing yet.

## Console help

organiser-help =
    <b>Organiser console</b>
    /broadcast — send a message to a chosen audience
    /stats — statistics with a chart
    /reload — re-read the data files
    /organisers — who can use this console
    /audit — recent organiser actions
    /invite — an invitation link for an employer's representative
    /representatives — representatives and open invitations, to revoke

## Menu (organisers only)

menu-broadcast = Broadcast a message
menu-stats = Fair statistics
menu-reload = Re-read the data files
menu-organisers = Who can use the console
menu-audit = Recent organiser actions
menu-console = Organiser console help
