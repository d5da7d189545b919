# Representatives' leads: /leads, a lead's card, notes, /export, the morning digest, and the
# feedback a student gets when they agreed to it.

leads-not-representative = This is for representatives of exhibiting organisations. If you represent one, ask the organisers for an invitation link.
leads-title = <b>Leads of { $org }</b>: { $total }
leads-filter-line = Status: { $status } · Opening: { $opening }
leads-page = Page { $page } of { $pages }
leads-line = { $n }. <b>{ $name }</b> — { $details } · { $score }% · { $status }
leads-empty = No student has shared their contact with you yet. New leads will appear here.
leads-empty-filter = No leads with this filter.
leads-newer = ‹ Newer
leads-older = Older ›
leads-filter-all = all
leads-filter-status = Status: { $status }
leads-filter-opening = Opening: { $opening }
leads-choose-status = Show leads with status:
leads-choose-opening = Show leads matching the opening:

lead-status-new = New
lead-status-contacted = Contacted
lead-status-interview = Interview
lead-status-offer = Offer
lead-status-not_a_fit = Not a fit
lead-status-set = Status: { $status }
lead-unknown = This lead is not available: it may have been withdrawn.

lead-card =
    <b>{ $name }</b>
    { $details }
    <b>Interests:</b> { $interests }
    <b>Looking for:</b> { $seeking }
    <b>Match:</b> { $score }% · <b>Openings:</b> { $openings }
    <b>Phone:</b> { $phone }
    <b>E-mail:</b> { $email }
    <b>Shared:</b> { $shared }
    <b>Status:</b> { $status }
lead-card-note = <b>Private note:</b> { $note }
lead-open-profile = 💬 Telegram profile
lead-note-button-add = ✏️ Add a note
lead-note-button-edit = ✏️ Edit the note
lead-back = « Back to leads
lead-note-ask = Send the private note for this lead (up to { $max } characters). Only your organisation's representatives see it. Send “-” to remove the note, /cancel to keep it as it is.
lead-note-saved = Note saved.
lead-note-cleared = Note removed.
lead-note-cut = The note was longer than { $max } characters and was cut.
lead-note-text-only = Please send the note as text, or /cancel.

leads-export-empty = There are no leads to export yet.
leads-export-preparing = Preparing the export of { $count } leads…
leads-export-caption = Leads of { $org }: { $count }
leads-export-sheet = Leads
leads-export-failed = The export could not be made. Please try again in a minute.
leads-export-col-name = Name
leads-export-col-telegram = Telegram
leads-export-col-phone = Phone
leads-export-col-email = E-mail
leads-export-col-university = University
leads-export-col-year = Year and degree
leads-export-col-field = Field of study
leads-export-col-interests = Interests
leads-export-col-seeks = Looking for
leads-export-col-score = Match, %
leads-export-col-status = Status
leads-export-col-note = Note
leads-export-col-shared-at = Shared at

lead-feedback-viewed = 👀 <b>{ $org }</b> has viewed your profile.
lead-feedback-interview = 🗓 <b>{ $org }</b> invites you to an interview. They will contact you with the details.

lead-digest =
    ☀️ Good morning! New leads of <b>{ $org }</b> since the last digest: { $count }

    { $list }

    Open /leads to work through them.
lead-digest-line = • <b>{ $name }</b> — { $university } · { $score }%
lead-digest-more = …and { $count } more
