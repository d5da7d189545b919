# The student's side: start, consent, profile steps, matches, sharing, privacy.
# Same keys and placeholders in kk, ru and en (tests check it). HTML: <b>, <i>, <a href> only.

## Start, language, consent

start-welcome =
    👋 <b>Welcome to the career fair bot!</b>
    I will match your interests with the organisations at the fair and explain every match.

    Тілді таңдаңыз · Выберите язык · Choose your language:
language-unclear = Please choose a language with the buttons below, or type kk, ru or en.
language-choose = Choose your language:
language-set = ✓ I will speak English with you.

consent-text =
    <b>Your data, before we start</b>

    <b>What I store</b> once you agree: your Telegram id and language, and what you tell me for your profile — name, university, year and degree, field of study, interests, what you are looking for and, only if you give them, your phone, e-mail and CV. From this I compute your matches.

    <b>Who sees it</b>: only the organisations you choose, when you press “Share my contact” on their card; you can withdraw that at any time. The fair's organisers see only totals (such as how many students are interested in a topic) and may send you fair announcements.

    <b>How to delete it</b>: /delete_me erases everything at once, shared contacts included. /my_data sends you everything stored; /privacy shows whom you share with.

    Until you agree, I keep nothing but your Telegram id.
consent-agree = ✓ I agree
consent-decline = No, thanks
consent-given = ✓ You agreed. You can change your mind at any time with /delete_me.
consent-declined = All right, I have stored nothing about you. If you change your mind, send /start.
consent-unclear = Please answer with the buttons, or type “yes” or “no”.

## Profile steps

current-value = Now: <i>{ $value }</i>
ask-name = <b>1/10.</b> What is your name? Type it, or use the button.
name-use-telegram = Use “{ $name }”
name-empty = Please type your name.
recap-name = ✓ Name: { $name }
ask-university = <b>2/10.</b> Which university do you study at (or did you graduate from)?
ask-study-level = <b>3/10.</b> Your year and degree? Press a button or type it, e.g. “3”, “master 2” or “PhD”.
level-bachelor = Bachelor, year { $year }
level-master = Master, year { $year }
level-phd = PhD, year { $year }
level-bachelor-any = Bachelor
level-master-any = Master
level-phd-any = PhD
level-other-any = Graduate / other
study-level-unclear = I could not read that. Type a year (1–4), “master 1”, “master 2”, “PhD” or “graduate”, or press a button.
recap-study-level = ✓ Year and degree: { $level }
ask-field = <b>4/10.</b> What is your field of study? For example: physics, computer science, geodesy.
ask-interests =
    <b>5/10.</b> What are you interested in? Describe it in your own words — subjects, technologies, what you would like to work on (up to 1,000 characters).
    Or pick topics from a list instead.
interests-pick-instead = Choose topics from a list
interests-cut = Your text was longer than { $limit } characters; I kept the first { $limit }.
topics-found = I understood: <i>{ $topics }</i>
ask-topics = <b>6/10.</b> Pick the topics that interest you (any number), then press “Done”. You can also type topic names.
page-previous = ◀ Back
page-next = More topics ({ $page }/{ $pages }) ▶
topics-done = ✓ Done
topics-need-one = Pick at least one topic, or describe your interests in words first.
topics-added = Added: <i>{ $topics }</i>
topics-none-found = I found no topics in that. Press the topic buttons, or “Done”.
recap-topics = ✓ Topics: { $topics }
ask-seeking = <b>7/10.</b> What are you looking for? Choose any, then press “Done”.
kind-internship = Internship
kind-job = Job
kind-thesis = Thesis
kind-research = Research
seeking-done = ✓ Done
seeking-anything = anything
seeking-unclear = Type one or more of: internship, job, thesis, research — or press the buttons.
recap-seeking = ✓ Looking for: { $kinds }
ask-phone = <b>8/10.</b> Your phone number, so the organisations you choose can call you (optional). Press the button to share it, type it, or skip.
phone-share = 📱 Share my phone number
phone-not-yours = That is someone else's contact. Please share your own number with the button, or type it.
phone-invalid = That does not look like a phone number. Type it with the country code, e.g. +7 701 234 5678, or skip.
phone-expects = Please share your number with the button, type it, or press “Skip”.
ask-email = <b>9/10.</b> Your e-mail (optional). Type it, or skip.
email-invalid = That does not look like an e-mail address (like name@example.com). Please try again, or skip.
ask-cv = <b>10/10.</b> Your CV as a PDF file, up to 10 MB (optional). Send the file, or skip.
cv-not-a-document = Please send your CV as a PDF <b>file</b> (📎 → File), not as a photo.
cv-not-pdf = I only accept CVs as PDF files (.pdf). Please export your CV to PDF and send it again, or skip.
cv-too-big = That file is larger than 10 MB. Please send a smaller PDF, or skip.
cv-broken = That file is not a valid PDF. Please export your CV to PDF again and resend it, or skip.
cv-unreadable = I could not read that file just now. Please send it again in a moment, or skip.
cv-expects-file = Please send your CV as a PDF file, or press “Skip”.
cv-saved = ✓ CV received: { $name }
button-skip = Skip
button-remove = Delete it
step-expects-text = Please answer this step with text.
text-cut = That was long: I kept the first { $limit } characters.

onboarding-done = 🎉 <b>Your profile is ready.</b> Here are the organisations that fit you best.
onboarding-resume = Let's continue with your profile.
welcome-back =
    Welcome back, { $name }!
    /matches — your matches · /profile — your profile · /privacy — what you share · /help — everything else
need-start = Please send /start first: I need your consent before I can keep a profile for you.
finish-profile-first = Let's finish your profile first.

## Profile

profile-card =
    <b>Your profile</b>

    <b>Name:</b> { $name }
    <b>University:</b> { $university }
    <b>Year and degree:</b> { $level }
    <b>Field of study:</b> { $field }
    <b>Interests:</b> { $interests }
    <b>Topics:</b> { $topics }
    <b>Looking for:</b> { $seeking }
    <b>Phone:</b> { $phone }
    <b>E-mail:</b> { $email }
    <b>CV:</b> { $cv }
profile-edit-hint = Press a button to change an answer; your matches are updated right away.
profile-saved = ✓ Saved. Your matches are updated: /matches
edit-full_name = Name
edit-university = University
edit-study_level = Year and degree
edit-field_of_study = Field of study
edit-interests = Interests
edit-topics = Topics
edit-seeking = Looking for
edit-phone = Phone
edit-email = E-mail
edit-cv = CV

## Matches

matches-header = <b>Your top { $count } matches</b> (the percentage shows how much of what you told me the organisation covers):
matches-none =
    I found no organisation that matches what you told me yet.
    Try picking topics from the list, or describe your interests differently — for example the subjects you study or the technologies you like.
no-matches-topics = Choose topics
no-matches-interests = Describe my interests again
match-title = <b>{ $rank }. { $org }</b> — { $percent }% match
match-why = <b>Why:</b> { $reasons }
match-about = <b>What it does:</b> { $text }
match-booth = <b>Booth:</b> { $booth }
match-booth-tba = <b>Booth:</b> to be announced
match-city = <b>City:</b> { $city } · <a href="{ $url }">{ $url }</a>
match-openings = <b>Fitting openings:</b>
match-opening = • { $title } ({ $kind })
match-no-openings = No openings listed yet — ask at the booth.
match-shared = ✅ You share your contact with { $org }.
match-gone = This organisation ({ $org }) is no longer at the fair.
match-share = 🤝 Share my contact with { $org }
match-withdraw = Withdraw my contact
match-hide = Not interested
match-unhide = Show it again
match-more = More
match-less = Less
match-hidden = { $org } is hidden from your matches. Send /matches to see your list.
match-unknown = This is not one of your current matches. Send /matches for your list.

share-question =
    <b>Share your contact with { $org }?</b>
    They will see your profile (name, university, year and degree, field, interests, what you are looking for) and your phone, e-mail and CV if you gave them.
    May { $org } also send you feedback through me, such as “viewed your profile” or “invites you to an interview”?
share-with-feedback = Share, and allow feedback
share-without-feedback = Share, without feedback
share-cancel = Cancel
share-done = ✓ Your contact is shared with { $org }.
share-withdrawn = ✓ Your contact is withdrawn from { $org }.
share-not-found = Your contact is not shared with { $org }.
share-not-a-student = Please finish your profile first (/start).
share-not-offered = You can share only with organisations among your current matches.

## Privacy, my data, deletion

privacy-shares = <b>You share your contact with:</b>
privacy-share-item = • { $org } ({ $feedback })
privacy-feedback-yes = feedback allowed
privacy-feedback-no = no feedback
privacy-no-shares = You do not share your contact with any organisation.
privacy-withdraw = Withdraw from { $org }
my-data-caption = Everything I store about you, as a JSON file.
delete-question =
    <b>Delete all your data?</b>
    Your profile, matches and every shared contact will be erased. This cannot be undone.
delete-confirm = Yes, delete everything
delete-keep = No, keep my data
delete-done = ✓ All your data is deleted.
delete-goodbye = I have forgotten you. If you want to come back, send /start.
delete-kept = Nothing was deleted.

## Command menu

menu-profile = Your profile: view and edit
menu-matches = Your matching organisations
menu-language = Change the language
menu-privacy = What is stored and whom you share with
menu-my_data = Everything stored about you (JSON)
menu-delete_me = Delete all your data
