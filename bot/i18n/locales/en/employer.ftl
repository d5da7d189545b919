# Employers: joining by invitation, their menu, lead cards; and the organisers' invitations.
# Every message here exists in kk, ru and en with the same placeholders (tests check it).

## Joining

employer-welcome =
    👋 Welcome! You now represent <b>{ $org }</b> at the career fair.

    Students whose interests match { $org } and who choose to share their contact reach you here as cards: their profile, match score and reasons, phone, e-mail and CV.

    { $counts }

    /leads — your organisation's leads: statuses and notes
    /export — all leads as CSV and Excel files
    /help — what the bot can do
employer-welcome-back =
    You represent <b>{ $org }</b>.

    { $counts }

    /leads — your organisation's leads: statuses and notes
    /export — all leads as CSV and Excel files
    /help — what the bot can do
employer-counts = 📊 Students with { $org } among their best matches: <b>{ $matching }</b>. Shared their contact with you: <b>{ $shared }</b>.
employer-help =
    <b>Fairbot for employers</b> — { $org }

    Each student who shares their contact with { $org } arrives here as a card. Only students who chose to share are ever shown to you; if one withdraws, you are told and their details disappear from your leads.

    /leads — your organisation's leads: statuses and notes
    /export — all leads as CSV and Excel files
    /start — your organisation and its figures
    /help — this message
    /cancel — stop the current action
employer-menu-leads = Your organisation's leads
employer-menu-export = Leads as CSV and Excel

invite-unknown = This invitation link is not valid. Check that it was copied completely, or ask the fair's organisers for a new one.
invite-used = This invitation has already been used. Each link works once: ask the fair's organisers for a link of your own.
invite-expired = This invitation has expired. Ask the fair's organisers for a new one.
invite-revoked = This invitation was cancelled by the organisers. Ask them for a new one if you should have access.
invite-other-org = You already represent <b>{ $org }</b>. One account can represent one organisation: ask the organisers to remove you from { $org } first.
employer-revoked = You no longer represent <b>{ $org }</b> in this bot. Leads of { $org } will not reach you any more.

## Lead cards (sent to every representative of the organisation)

lead-card-title = 🆕 <b>New contact for { $org }</b>
lead-card-name = 👤 <b>{ $name }</b>
lead-card-no-name = (name not given)
lead-card-study = 🎓 { $university } · { $level }
lead-card-field = 📚 Field of study: { $field }
lead-card-interests = 💡 Interests: { $interests }
lead-card-topics = 🏷 Topics: { $topics }
lead-card-match = 🎯 Match: <b>{ $percent }%</b> — { $reasons }
lead-card-openings = 📌 Fits your openings: { $openings }
lead-card-seeking = 🔎 Looking for: { $seeking }
lead-card-telegram = 💬 Telegram: <a href="tg://user?id={ $user_id }">{ $name }</a>
lead-card-phone = 📞 Phone: { $phone }
lead-card-email = ✉️ E-mail: { $email }
lead-card-cv-follows = 📎 Their CV follows.
lead-card-cv-caption = 📎 CV of { $name }
lead-card-footer = /leads — set a status and keep notes.
lead-withdrawn-notice = ↩️ A student withdrew their contact from <b>{ $org }</b>. They are no longer among your leads; please delete any copy of their details you made.

## Organisers: invitations and representatives

invite-ask-org =
    Which organisation is the invitation for? Send <code>/invite slug</code>.
    Slugs: { $orgs }
invite-unknown-org =
    There is no organisation <code>{ $slug }</code> in the fair's data.
    Valid slugs: { $orgs }
invite-created =
    ✉️ <b>Invitation for { $org }</b>

    { $link }

    Works once, until { $expires }. Give the link (or the QR code below) to one representative; make one invitation per person. /representatives { $slug } to see or revoke.
invite-qr-caption = QR code of the invitation for { $org }
reps-overview-title = 👥 <b>Representatives and open invitations</b>
reps-overview-line = { $org } (<code>{ $slug }</code>): { $reps } representatives, { $invitations } open invitations
reps-overview-empty = Nobody represents an organisation yet. <code>/invite slug</code> makes an invitation.
reps-overview-hint = <code>/representatives slug</code> lists one organisation's, with buttons to revoke.
reps-title = 👥 <b>{ $org }</b>
reps-people = Representatives:
reps-person = • <a href="tg://user?id={ $id }">{ $id }</a> since { $since }
reps-no-people = No representatives yet.
reps-invitations = Open invitations:
reps-invitation = • #{ $id }, made { $made }, valid until { $expires }
reps-no-invitations = No open invitations.
reps-revoke-person = ✖️ Remove { $id }
reps-revoke-invitation = ✖️ Cancel invitation #{ $id }
reps-person-revoked = { $id } no longer represents the organisation.
reps-invitation-revoked = Invitation #{ $id } cancelled.
reps-stale = Already removed or cancelled.
menu-invite = Invite an employer's representative
menu-representatives = Representatives and invitations
