# Өкілдердің байланыстары: /leads, байланыс карточкасы, жазбалар, /export, таңғы шолу және
# студент келіскен болса, оған жіберілетін кері байланыс.

leads-not-representative = Бұл көрмеге қатысушы ұйымдардың өкілдеріне арналған. Егер сіз ұйым өкілі болсаңыз, ұйымдастырушылардан шақыру сілтемесін сұраңыз.
leads-title = <b>{ $org } байланыстары</b>: { $total }
leads-filter-line = Мәртебе: { $status } · Бос орын: { $opening }
leads-page = { $pages } беттің { $page }-беті
leads-line = { $n }. <b>{ $name }</b> — { $details } · { $score }% · { $status }
leads-empty = Әзірге ешбір студент сізбен байланысын бөліспеді. Жаңа байланыстар осында шығады.
leads-empty-filter = Бұл сүзгі бойынша байланыс жоқ.
leads-newer = ‹ Жаңалары
leads-older = Ескілері ›
leads-filter-all = барлығы
leads-filter-status = Мәртебе: { $status }
leads-filter-opening = Бос орын: { $opening }
leads-choose-status = Қай мәртебедегі байланыстарды көрсету:
leads-choose-opening = Қай бос орынға сәйкес байланыстарды көрсету:

lead-status-new = Жаңа
lead-status-contacted = Хабарластық
lead-status-interview = Сұхбат
lead-status-offer = Ұсыныс
lead-status-not_a_fit = Сәйкес емес
lead-status-set = Мәртебе: { $status }
lead-unknown = Бұл байланыс қолжетімсіз: студент келісімін қайтарып алған болуы мүмкін.

lead-card =
    <b>{ $name }</b>
    { $details }
    <b>Қызығушылықтары:</b> { $interests }
    <b>Іздейді:</b> { $seeking }
    <b>Сәйкестік:</b> { $score }% · <b>Бос орындар:</b> { $openings }
    <b>Телефон:</b> { $phone }
    <b>E-mail:</b> { $email }
    <b>Бөліскен уақыты:</b> { $shared }
    <b>Мәртебе:</b> { $status }
lead-card-note = <b>Жазба:</b> { $note }
lead-open-profile = 💬 Telegram профилі
lead-note-button-add = ✏️ Жазба қосу
lead-note-button-edit = ✏️ Жазбаны өзгерту
lead-back = « Байланыстар тізіміне
lead-note-ask = Осы байланысқа жазба жіберіңіз ({ $max } таңбаға дейін). Оны тек ұйымыңыздың өкілдері көреді. Жазбаны өшіру үшін «-» жіберіңіз, өзгертпеу үшін /cancel басыңыз.
lead-note-saved = Жазба сақталды.
lead-note-cleared = Жазба өшірілді.
lead-note-cut = Жазба { $max } таңбадан ұзын болды, сондықтан қысқартылды.
lead-note-text-only = Жазбаны мәтінмен жіберіңіз немесе /cancel басыңыз.

leads-export-empty = Әзірге жүктейтін байланыс жоқ.
leads-export-preparing = Байланыстарды жүктеу дайындалуда: { $count }…
leads-export-caption = { $org } байланыстары: { $count }
leads-export-sheet = Байланыстар
leads-export-failed = Жүктеу жасалмады. Бір минуттан кейін қайталап көріңіз.
leads-export-col-name = Аты-жөні
leads-export-col-telegram = Telegram
leads-export-col-phone = Телефон
leads-export-col-email = E-mail
leads-export-col-university = Университет
leads-export-col-year = Курс және дәреже
leads-export-col-field = Мамандығы
leads-export-col-interests = Қызығушылықтары
leads-export-col-seeks = Іздейді
leads-export-col-score = Сәйкестік, %
leads-export-col-status = Мәртебе
leads-export-col-note = Жазба
leads-export-col-shared-at = Күні

lead-feedback-viewed = 👀 <b>{ $org }</b> сіздің профиліңізді қарады.
lead-feedback-interview = 🗓 <b>{ $org }</b> сізді сұхбатқа шақырады. Толығырақ өздері хабарласады.

lead-digest =
    ☀️ Қайырлы таң! Соңғы шолудан бері <b>{ $org }</b> жаңа байланыстары: { $count }

    { $list }

    Олармен жұмыс істеу үшін /leads ашыңыз.
lead-digest-line = • <b>{ $name }</b> — { $university } · { $score }%
lead-digest-more = …және тағы { $count }
