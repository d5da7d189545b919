# Контакты представителей: /leads, карточка контакта, заметки, /export, утренняя сводка и
# обратная связь студенту, если он на неё согласился.

leads-not-representative = Это для представителей организаций-участниц. Если вы представляете организацию, попросите у организаторов ссылку-приглашение.
leads-title = <b>Контакты: { $org }</b> — { $total }
leads-filter-line = Статус: { $status } · Вакансия: { $opening }
leads-page = Страница { $page } из { $pages }
leads-line = { $n }. <b>{ $name }</b> — { $details } · { $score }% · { $status }
leads-empty = Пока никто из студентов не поделился с вами контактом. Новые контакты появятся здесь.
leads-empty-filter = Нет контактов с таким фильтром.
leads-newer = ‹ Новее
leads-older = Старше ›
leads-filter-all = все
leads-filter-status = Статус: { $status }
leads-filter-opening = Вакансия: { $opening }
leads-choose-status = Показать контакты со статусом:
leads-choose-opening = Показать контакты, подходящие на вакансию:

lead-status-new = Новый
lead-status-contacted = Связались
lead-status-interview = Собеседование
lead-status-offer = Оффер
lead-status-not_a_fit = Не подходит
lead-status-set = Статус: { $status }
lead-unknown = Этот контакт недоступен: возможно, студент отозвал согласие.

lead-card =
    <b>{ $name }</b>
    { $details }
    <b>Интересы:</b> { $interests }
    <b>Ищет:</b> { $seeking }
    <b>Совпадение:</b> { $score }% · <b>Вакансии:</b> { $openings }
    <b>Телефон:</b> { $phone }
    <b>E-mail:</b> { $email }
    <b>Поделился:</b> { $shared }
    <b>Статус:</b> { $status }
lead-card-note = <b>Заметка:</b> { $note }
lead-open-profile = 💬 Профиль в Telegram
lead-note-button-add = ✏️ Добавить заметку
lead-note-button-edit = ✏️ Изменить заметку
lead-back = « К списку контактов
lead-note-ask = Отправьте заметку к этому контакту (до { $max } символов). Её видят только представители вашей организации. Отправьте «-», чтобы удалить заметку, или /cancel, чтобы оставить как есть.
lead-note-saved = Заметка сохранена.
lead-note-cleared = Заметка удалена.
lead-note-cut = Заметка была длиннее { $max } символов и сокращена.
lead-note-text-only = Отправьте заметку текстом или /cancel.

leads-export-empty = Пока нечего выгружать: контактов нет.
leads-export-preparing = Готовлю выгрузку контактов: { $count }…
leads-export-caption = Контакты { $org }: { $count }
leads-export-sheet = Контакты
leads-export-failed = Не удалось сделать выгрузку. Попробуйте ещё раз через минуту.
leads-export-col-name = Имя
leads-export-col-telegram = Telegram
leads-export-col-phone = Телефон
leads-export-col-email = E-mail
leads-export-col-university = Университет
leads-export-col-year = Курс и ступень
leads-export-col-field = Специальность
leads-export-col-interests = Интересы
leads-export-col-seeks = Ищет
leads-export-col-score = Совпадение, %
leads-export-col-status = Статус
leads-export-col-note = Заметка
leads-export-col-shared-at = Дата

lead-feedback-viewed = 👀 <b>{ $org }</b> посмотрели ваш профиль.
lead-feedback-interview = 🗓 <b>{ $org }</b> приглашают вас на собеседование. Подробности они сообщат сами.

lead-digest =
    ☀️ Доброе утро! Новых контактов <b>{ $org }</b> с прошлой сводки: { $count }

    { $list }

    Откройте /leads, чтобы с ними поработать.
lead-digest-line = • <b>{ $name }</b> — { $university } · { $score }%
lead-digest-more = …и ещё { $count }
