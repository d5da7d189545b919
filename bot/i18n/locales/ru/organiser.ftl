# Консоль организатора: рассылки, статистика, перезагрузка данных, организаторы, журнал действий.
# Каждое сообщение есть в kk, ru и en с одинаковыми подстановками (это проверяют тесты).

organiser-only-admins = Назначать и снимать организаторов могут только администраторы из ADMIN_IDS.

## Рассылка: составление

broadcast-ask-content =
    <b>Новая рассылка</b>
    Пришлите сообщение для рассылки: текст, фото или документ (можно с подписью). Форматирование сохранится. Напишите <code>{"{"}name{"}"}</code> там, где должно стоять имя получателя.

    /cancel — отменить.
broadcast-unsupported = Разослать можно текст, фото или документ. Пришлите что-то из этого или /cancel.
broadcast-too-long = Слишком длинно для рассылки: не больше { $limit } символов (каждое <code>{"{"}name{"}"}</code> считается за { $name_max }). Сократите, пожалуйста.
broadcast-ask-audience = Кому отправить?
broadcast-ask-value = Выберите:
broadcast-no-values = Пока не из чего выбрать.
broadcast-name-fallback = участник

audience-all = Всем
audience-students = Студентам
audience-employers = Работодателям
audience-lang = По языку
audience-topic = По интересу
audience-org = Подобранным к организации
audience-session = Подписчикам мероприятия

## Рассылка: предпросмотр и подтверждение

broadcast-preview =
    <b>Рассылка №{ $id }</b> — выше предпросмотр (так её увидит получатель, чьё имя неизвестно).
    Аудитория: { $audience }
    Получателей сейчас: <b>{ $count }</b>
broadcast-preview-empty = Получателей нет: аудитория пуста. Измените рассылку или отмените её.
broadcast-confirm-button = ✅ Отправить { $count }
broadcast-edit-button = ✏️ Изменить
broadcast-discard-button = ✖️ Отмена
broadcast-cancel-button = ⛔ Остановить рассылку
broadcast-discarded = Рассылка №{ $id } отменена до отправки.
broadcast-stale = Это уже не ваш черновик рассылки.
broadcast-started = Отправляю…
broadcast-not-running = Эта рассылка уже не отправляется.
broadcast-stopping = Останавливаю: { $count } сообщений не будут отправлены.

## Рассылка: ход и отчёт

broadcast-progress =
    📣 <b>Рассылка №{ $id }</b> отправляется
    <code>{ $bar }</code> { $percent }%
    Отправлено { $sent } из { $total } · ошибок { $failed } · заблокировали { $blocked } · осталось { $left }
    { $rate } сообщ./с · осталось примерно { $eta }
broadcast-progress-cancelling =
    ⛔ <b>Рассылка №{ $id }</b> останавливается
    Отправлено { $sent } из { $total } · последние { $left } уже в пути
broadcast-report-done =
    ✅ <b>Рассылка №{ $id } завершена</b>
    Отправлено: { $sent } из { $total }
    Ошибок: { $failed }
    Заблокировали бота: { $blocked }
    Заняла { $took } ({ $rate } сообщ./с)
broadcast-report-cancelled =
    ⛔ <b>Рассылка №{ $id } остановлена</b>
    Отправлено: { $sent } из { $total }
    Не отправлено (остановка): { $not_sent }
    Ошибок: { $failed }
    Заблокировали бота: { $blocked }
rate-unknown = —
duration-seconds = { $s } с
duration-minutes = { $m } мин { $s } с
duration-hours = { $h } ч { $m } мин

## Статистика

stats-title = 📊 <b>Статистика ярмарки</b>
stats-students = Зарегистрировано студентов: <b>{ $total }</b> (анкет заполнено: { $completed })
stats-per-day = Регистрации по дням (последние { $days }):
stats-day = { $day }: { $count }
stats-orgs = По организациям (подобрано / контактов передано):
stats-org = { $org }: { $matches } / { $contacts }
stats-topics = Популярные интересы:
stats-topic = { $topic }: { $count }
stats-broadcasts = Последние рассылки (отправлено / ошибок / заблокировали / осталось):
stats-broadcast = №{ $id } { $audience }: { $sent } / { $failed } / { $blocked } / { $left }
stats-none = пока нет
stats-chart-caption = Статистика ярмарки на { $when }
stats-chart-per-day = Регистрации студентов по дням
stats-chart-orgs = Подборы и переданные контакты по организациям
stats-chart-matches = подобрано
stats-chart-contacts = контактов передано
stats-chart-topics = Популярные интересы
stats-chart-delivery = Доставка рассылок
stats-chart-sent = отправлено
stats-chart-failed = ошибки
stats-chart-blocked = заблокировали
stats-chart-left = осталось

## Перезагрузка данных

reload-done =
    🔄 Данные перезагружены: тем — { $topics }, организаций — { $exhibitors }.
    Остальные процессы бота подхватят их в течение { $seconds } с.
reload-refused =
    ⚠️ В файлах данных есть ошибки; действуют прежние данные.
    { $problems }
reload-more = …и ещё { $count }.

## Организаторы

organisers-list =
    <b>Организаторы</b>
    { $list }

    Назначить: <code>/organisers add USER_ID</code>
    Снять: <code>/organisers remove USER_ID</code> или кнопками ниже.
organiser-admin = { $id } (администратор)
organiser-appointed = { $id } (назначил { $by })
organiser-remove-button = Снять { $id }
organiser-added = { $id } теперь организатор.
organiser-already = { $id } уже организатор.
organiser-removed = { $id } больше не организатор.
organiser-not-found = { $id } не назначенный организатор.
organiser-bad-id = Укажите Telegram ID пользователя (цифры), например <code>/organisers add 123456789</code>.

## Журнал действий

audit-title = <b>Действия организаторов</b> (сначала новые)
audit-entry = { $when } · { $actor } · { $action } { $subject }
audit-empty = Пока ничего.

## Справка консоли

organiser-help =
    <b>Консоль организатора</b>
    /broadcast — отправить сообщение выбранной аудитории
    /stats — статистика с графиком
    /reload — перечитать файлы данных
    /organisers — у кого есть доступ к консоли
    /audit — последние действия организаторов
    /invite — ссылка-приглашение для представителя работодателя
    /representatives — представители и открытые приглашения, отзыв

## Меню (только для организаторов)

menu-broadcast = Разослать сообщение
menu-stats = Статистика ярмарки
menu-reload = Перечитать файлы данных
menu-organisers = Кому доступна консоль
menu-audit = Последние действия организаторов
menu-console = Справка консоли организатора
