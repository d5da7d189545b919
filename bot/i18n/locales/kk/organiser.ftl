# Ұйымдастырушы консолі: таратулар, статистика, деректерді қайта жүктеу, ұйымдастырушылар, әрекеттер журналы.
# Әр хабар kk, ru және en тілдерінде бірдей орынбасарлармен бар (тесттер тексереді).

organiser-only-admins = Ұйымдастырушыларды тек ADMIN_IDS тізіміндегі әкімшілер тағайындап, алып тастай алады.

## Тарату: хабарды құрастыру

broadcast-ask-content =
    <b>Жаңа тарату</b>
    Таратылатын хабарды жіберіңіз: мәтін, фото немесе құжат (қолтаңбасымен болуы мүмкін). Пішімдеу сақталады. Алушының аты тұруы тиіс жерге <code>{"{"}name{"}"}</code> деп жазыңыз.

    /cancel — тоқтату.
broadcast-unsupported = Мәтінді, фотоны немесе құжатты тарата аламын. Солардың бірін жіберіңіз немесе /cancel.
broadcast-too-long = Тарату үшін тым ұзын: ең көбі { $limit } таңба (әр <code>{"{"}name{"}"}</code> { $name_max } таңба болып саналады). Қысқартыңыз.
broadcast-ask-audience = Кімге жіберу керек?
broadcast-ask-value = Таңдаңыз:
broadcast-no-values = Әзірге таңдайтын ештеңе жоқ.
broadcast-name-fallback = қатысушы

audience-all = Барлығына
audience-students = Студенттерге
audience-employers = Жұмыс берушілерге
audience-lang = Тіл бойынша
audience-topic = Қызығушылық бойынша
audience-org = Ұйымға сәйкес келгендерге
audience-session = Іс-шараға жазылғандарға

## Тарату: алдын ала қарау және растау

broadcast-preview =
    <b>№{ $id } тарату</b> — жоғарыда алдын ала көрінісі (аты белгісіз алушы осылай көреді).
    Аудитория: { $audience }
    Қазір алушылар: <b>{ $count }</b>
broadcast-preview-empty = Алушы жоқ: аудитория бос. Таратуды өзгертіңіз немесе бас тартыңыз.
broadcast-confirm-button = ✅ { $count } адамға жіберу
broadcast-edit-button = ✏️ Өзгерту
broadcast-discard-button = ✖️ Бас тарту
broadcast-cancel-button = ⛔ Таратуды тоқтату
broadcast-discarded = №{ $id } тарату жіберілмей тұрып тоқтатылды.
broadcast-stale = Бұл енді сіздің тарату жобаңыз емес.
broadcast-started = Жіберіп жатырмын…
broadcast-not-running = Бұл тарату енді жіберілмейді.
broadcast-stopping = Тоқтатып жатырмын: { $count } хабар жіберілмейді.

## Тарату: барысы және есеп

broadcast-progress =
    📣 <b>№{ $id } тарату</b> жіберілуде
    <code>{ $bar }</code> { $percent }%
    Жіберілді { $total } ішінен { $sent } · қате { $failed } · бұғаттағандар { $blocked } · қалды { $left }
    Секундына { $rate } хабар · шамамен { $eta } қалды
broadcast-progress-cancelling =
    ⛔ <b>№{ $id } тарату</b> тоқтатылуда
    Жіберілді { $total } ішінен { $sent } · соңғы { $left } хабар жолда
broadcast-report-done =
    ✅ <b>№{ $id } тарату аяқталды</b>
    Жіберілді: { $total } ішінен { $sent }
    Қате: { $failed }
    Ботты бұғаттағандар: { $blocked }
    Ұзақтығы { $took } (секундына { $rate } хабар)
broadcast-report-cancelled =
    ⛔ <b>№{ $id } тарату тоқтатылды</b>
    Жіберілді: { $total } ішінен { $sent }
    Жіберілмеді (тоқтатылды): { $not_sent }
    Қате: { $failed }
    Ботты бұғаттағандар: { $blocked }
rate-unknown = —
duration-seconds = { $s } с
duration-minutes = { $m } мин { $s } с
duration-hours = { $h } сағ { $m } мин

## Статистика

stats-title = 📊 <b>Жәрмеңке статистикасы</b>
stats-students = Тіркелген студенттер: <b>{ $total }</b> (толтырылған сауалнамалар: { $completed })
stats-per-day = Күн сайынғы тіркелу (соңғы { $days } күн):
stats-day = { $day }: { $count }
stats-orgs = Ұйымдар бойынша (сәйкестік / берілген байланыстар):
stats-org = { $org }: { $matches } / { $contacts }
stats-topics = Танымал қызығушылықтар:
stats-topic = { $topic }: { $count }
stats-broadcasts = Соңғы таратулар (жіберілді / қате / бұғаттады / қалды):
stats-broadcast = №{ $id } { $audience }: { $sent } / { $failed } / { $blocked } / { $left }
stats-none = әзірге жоқ
stats-chart-caption = { $when } кезіндегі жәрмеңке статистикасы
stats-chart-per-day = Күн сайын тіркелген студенттер
stats-chart-orgs = Ұйымдар бойынша сәйкестіктер мен берілген байланыстар
stats-chart-matches = сәйкестік
stats-chart-contacts = берілген байланыстар
stats-chart-topics = Танымал қызығушылықтар
stats-chart-delivery = Таратулардың жеткізілуі
stats-chart-sent = жіберілді
stats-chart-failed = қате
stats-chart-blocked = бұғаттады
stats-chart-left = қалды

## Деректерді қайта жүктеу

reload-done =
    🔄 Деректер қайта жүктелді: { $topics } тақырып, { $exhibitors } ұйым.
    Боттың басқа процестері оларды { $seconds } с ішінде қабылдайды.
reload-refused =
    ⚠️ Деректер файлдарында қателер бар; бұрынғы деректер күшінде қалады.
    { $problems }
reload-more = …және тағы { $count }.

## Ұйымдастырушылар

organisers-list =
    <b>Ұйымдастырушылар</b>
    { $list }

    Тағайындау: <code>/organisers add USER_ID</code>
    Алып тастау: <code>/organisers remove USER_ID</code> немесе төмендегі батырмалар.
organiser-admin = { $id } (әкімші)
organiser-appointed = { $id } (тағайындаған { $by })
organiser-remove-button = { $id } алып тастау
organiser-added = { $id } енді ұйымдастырушы.
organiser-already = { $id } бұрыннан ұйымдастырушы.
organiser-removed = { $id } енді ұйымдастырушы емес.
organiser-not-found = { $id } тағайындалған ұйымдастырушы емес.
organiser-bad-id = Пайдаланушының Telegram ID-ін (сандармен) көрсетіңіз, мысалы <code>/organisers add 123456789</code>.

## Әрекеттер журналы

audit-title = <b>Ұйымдастырушылардың әрекеттері</b> (алдымен жаңалары)
audit-entry = { $when } · { $actor } · { $action } { $subject }
audit-empty = Әзірге ештеңе жоқ.

## Консоль анықтамасы

organiser-help =
    <b>Ұйымдастырушы консолі</b>
    /broadcast — таңдалған аудиторияға хабар жіберу
    /stats — графигі бар статистика
    /reload — деректер файлдарын қайта оқу
    /organisers — консольді кім пайдалана алады
    /audit — ұйымдастырушылардың соңғы әрекеттері
    /invite — жұмыс беруші өкіліне шақыру сілтемесі
    /representatives — өкілдер мен ашық шақырулар, кері қайтару

## Мәзір (тек ұйымдастырушыларға)

menu-broadcast = Хабар тарату
menu-stats = Жәрмеңке статистикасы
menu-reload = Деректер файлдарын қайта оқу
menu-organisers = Консольді кім пайдалана алады
menu-audit = Ұйымдастырушылардың соңғы әрекеттері
menu-console = Ұйымдастырушы консолінің анықтамасы
