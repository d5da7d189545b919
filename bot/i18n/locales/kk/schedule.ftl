# Форум бағдарламасы: /schedule, /my_schedule, /reminders, /timezone, еске салулар мен хабарламалар.
# Әр хабарлама kk, ru және en тілдерінде бірдей параметрлермен бар (тесттер тексереді).

## Ұзақтық («15 минут бұрын», «1 сағат қалды»)

span-minutes = { $n } минут
span-hours = { $n } сағат
span-days = { $n } күн
span-hours-minutes = { $hours } сағат { $minutes } минут

## Іс-шара түрлері

session-kind-talk = Баяндама
session-kind-workshop = Семинар
session-kind-symposium = Симпозиум
session-kind-plenary = Пленарлық отырыс
session-kind-panel = Панельдік талқылау
session-kind-career-fair = Мансап жәрмеңкесі
session-kind-exhibition = Көрме
session-kind-ceremony = Салтанатты рәсім
session-kind-networking = Танысу кездесуі
session-kind-other = Форум

## /schedule

schedule-empty = Бағдарлама әлі жарияланған жоқ. Кейінірек қайта қараңыз.
schedule-header =
    📅 <b>Бағдарлама · { $day }</b>
    <i>Уақыт: { $zone }</i>
schedule-item =
    <b>{ $time }</b> · { $title }
    { $kind } · { $place }
schedule-item-following =
    🔔 <b>{ $time }</b> · { $title }
    { $kind } · { $place }
schedule-item-cancelled = <s>{ $time } · { $title }</s> — өтпейді
schedule-item-description = <i>{ $description }</i>
schedule-footer = 🔔 — сіздің іс-шараларыңыз: әрқайсысы басталардан { $offsets } бұрын еске саламын. Қосу не алып тастау үшін төмендегі іс-шараны басыңыз.
schedule-footer-none = 🔔 — сіздің іс-шараларыңыз. Еске салу уақытын таңдамадыңыз, сондықтан басталар алдында жазбаймын: төмендегі ⏰.
schedule-button-remind = 🔔 Еске салу · { $time } { $title }
schedule-button-following = ✅ { $time } { $title }
schedule-button-reminders = ⏰ Еске салу уақыты
schedule-button-zone = 🌐 Уақыт белдеуі
schedule-button-mine = 📋 Менің бағдарламам
schedule-button-agenda = 📅 Бағдарлама

remind-on = 🔔 «{ $title }» басталардан { $offsets } бұрын еске саламын.
remind-on-silent = ✅ «{ $title }» бағдарламаңызға қосылды. Еске салу уақытын таңдамадыңыз: ⏰ Еске салу уақыты.
remind-off = 🔕 «{ $title }» бағдарламаңыздан алынды.
remind-started = Бұл іс-шара басталып кетті, еске салатын ештеңе жоқ.
remind-cancelled = Бұл іс-шара өтпейді: еске салу болмайды.
remind-gone = Бұл іс-шара бағдарламада енді жоқ.

## /my_schedule

my-schedule-empty = Сіз әлі іс-шара таңдамадыңыз. /schedule ашып, барғыңыз келетіндерінің жанындағы 🔔 басыңыз.
my-schedule-header =
    📋 <b>Менің бағдарламам</b>
    <i>Уақыт: { $zone }</i>
my-schedule-next = ⏭ Келесі: <b>{ $title }</b>, { $when } ({ $duration } қалды)
my-schedule-now = ▶️ Қазір: <b>{ $title }</b>, { $until } дейін
my-schedule-done = Барлық іс-шараларыңыз аяқталды. Қатысқаныңызға рахмет!
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
my-schedule-item-cancelled = ❌ <s>{ $when } · { $title }</s> — өтпейді
my-schedule-footer = Еске салу: әр іс-шара басталардан { $offsets } бұрын.
my-schedule-footer-none = Еске салу: өшірулі (таңдау үшін ⏰).

## /reminders

reminders-header =
    ⏰ <b>Қашан еске салайын?</b>
    Бірнешеуін таңдауға болады. Қазір: әр іс-шара басталардан { $offsets } бұрын.
reminders-header-none =
    ⏰ <b>Қашан еске салайын?</b>
    Қазір: ешқашан. Іс-шаралар /my_schedule ішінде қалады, бірақ басталар алдында жазбаймын.
reminders-button-on = ✅ { $duration } бұрын
reminders-button-off = { $duration } бұрын
reminders-unknown = Бұл нұсқа енді жоқ. Соңғы батырмаларды пайдаланыңыз.

## /timezone

timezone-prompt =
    🌐 Сіздің уақыт белдеуіңіз: <b>{ $zone }</b> (онда қазір { $time }). Бағдарлама мен еске салулар соған сай көрсетіледі.

    Төменнен таңдаңыз немесе қаланың не белдеудің атауын (Алматы, Europe/Berlin) не UTC-ден ауытқуды (+3, UTC-05:30) жазыңыз. /cancel — өзгертпеу.
timezone-set = ✅ Уақыт белдеуі: <b>{ $zone }</b>, онда қазір { $time }.
timezone-unknown = «{ $text }» уақыт белдеуін білмеймін. Қаланың не белдеудің атауын, мысалы, Мәскеу немесе Europe/Berlin, не UTC-ден ауытқуды, мысалы, +3 немесе UTC-05:30 жазыңыз. /cancel — белдеуді өзгертпеу.
timezone-button-forum = 📍 Форум уақыты: { $zone }

## Боттың өзі жіберетін хабарламалар

reminder =
    ⏰ { $duration } қалды: <b>{ $title }</b>
    { $day }, { $time } · { $place }
schedule-moved =
    🕑 <b>{ $title }</b> ауыстырылды: енді { $when } (бұрын { $was } еді).
    { $place }. Еске салулар да бірге ауыстырылды.
schedule-cancelled = ❌ <b>{ $title }</b> ({ $when }) өтпейді. Ол туралы еске салу болмайды.
schedule-reinstated =
    ✅ <b>{ $title }</b> қайтадан бағдарламада: { $when }, { $place }.
    Еске салулар қайта қосылды.
fair-nudge =
    🧭 <b>{ $title }</b> ашылуына { $duration } қалды (басталуы: { $time }, { $place }). Сізге ең лайық ұйымдар сонда:
    { $organisations }
fair-nudge-org = • <b>{ $name }</b>, стенд { $booth }
fair-nudge-org-no-booth = • <b>{ $name }</b> (стенд нөмірін кіреберісте айтады)

## Командалар мәзірі

menu-schedule = Форум бағдарламасы; іс-шараларды таңдау
menu-my-schedule = Сіздің іс-шараларыңыз және келесісі
menu-reminders = Қашан еске салу
menu-timezone = Уақыт белдеуіңіз
