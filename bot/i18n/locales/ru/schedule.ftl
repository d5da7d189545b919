# Программа форума: /schedule, /my_schedule, /reminders, /timezone, напоминания и уведомления.
# Каждое сообщение есть в kk, ru и en с теми же параметрами (это проверяют тесты).

## Длительности («за 15 минут», «через 1 час»)

span-minutes = { $n ->
    [one] { $n } минуту
    [few] { $n } минуты
   *[other] { $n } минут
}
span-hours = { $n ->
    [one] { $n } час
    [few] { $n } часа
   *[other] { $n } часов
}
span-days = { $n ->
    [one] { $n } день
    [few] { $n } дня
   *[other] { $n } дней
}
span-hours-minutes = { $hours ->
    [one] { $hours } час
    [few] { $hours } часа
   *[other] { $hours } часов
} { $minutes ->
    [one] { $minutes } минуту
    [few] { $minutes } минуты
   *[other] { $minutes } минут
}

## Виды мероприятий

session-kind-talk = Доклад
session-kind-workshop = Семинар
session-kind-symposium = Симпозиум
session-kind-plenary = Пленарное заседание
session-kind-panel = Панельная дискуссия
session-kind-career-fair = Ярмарка вакансий
session-kind-exhibition = Выставка
session-kind-ceremony = Церемония
session-kind-networking = Нетворкинг
session-kind-other = Форум

## /schedule

schedule-empty = Программа ещё не опубликована. Загляните, пожалуйста, позже.
schedule-header =
    📅 <b>Программа · { $day }</b>
    <i>Время: { $zone }</i>
schedule-item =
    <b>{ $time }</b> · { $title }
    { $kind } · { $place }
schedule-item-following =
    🔔 <b>{ $time }</b> · { $title }
    { $kind } · { $place }
schedule-item-cancelled = <s>{ $time } · { $title }</s> — отменено
schedule-item-description = <i>{ $description }</i>
schedule-footer = 🔔 — ваши мероприятия: я напомню о каждом за { $offsets } до начала. Нажмите на мероприятие ниже, чтобы добавить или убрать его.
schedule-footer-none = 🔔 — ваши мероприятия. Вы не выбрали время напоминаний, поэтому я не буду писать перед началом: ⏰ ниже.
schedule-button-remind = 🔔 Напомнить · { $time } { $title }
schedule-button-following = ✅ { $time } { $title }
schedule-button-reminders = ⏰ Когда напоминать
schedule-button-zone = 🌐 Часовой пояс
schedule-button-mine = 📋 Моя программа
schedule-button-agenda = 📅 Программа

remind-on = 🔔 Напомню о «{ $title }» за { $offsets } до начала.
remind-on-silent = ✅ «{ $title }» в вашей программе. Вы не выбрали время напоминаний: см. ⏰ Когда напоминать.
remind-off = 🔕 «{ $title }» больше нет в вашей программе.
remind-started = Это мероприятие уже началось, напоминать не о чем.
remind-cancelled = Это мероприятие отменено: напоминания не будет.
remind-gone = Этого мероприятия больше нет в программе.

## /my_schedule

my-schedule-empty = Вы ещё не выбрали мероприятия. Откройте /schedule и нажмите 🔔 у тех, на которые хотите пойти.
my-schedule-header =
    📋 <b>Моя программа</b>
    <i>Время: { $zone }</i>
my-schedule-next = ⏭ Далее: <b>{ $title }</b>, { $when } (через { $duration })
my-schedule-now = ▶️ Сейчас: <b>{ $title }</b>, до { $until }
my-schedule-done = Все ваши мероприятия завершились. Спасибо, что были с нами!
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
my-schedule-item-cancelled = ❌ <s>{ $when } · { $title }</s> — отменено
my-schedule-footer = Напоминания: за { $offsets } до каждого мероприятия.
my-schedule-footer-none = Напоминания: выключены (⏰, чтобы выбрать).

## /reminders

reminders-header =
    ⏰ <b>Когда вам напоминать?</b>
    Можно выбрать несколько вариантов. Сейчас: за { $offsets } до каждого мероприятия.
reminders-header-none =
    ⏰ <b>Когда вам напоминать?</b>
    Сейчас: никогда. Мероприятия останутся в /my_schedule, но перед началом я писать не буду.
reminders-button-on = ✅ За { $duration }
reminders-button-off = За { $duration }
reminders-unknown = Этого варианта больше нет. Пожалуйста, воспользуйтесь последними кнопками.

## /timezone

timezone-prompt =
    🌐 Ваш часовой пояс: <b>{ $zone }</b> (сейчас там { $time }). По нему показываются программа и напоминания.

    Выберите ниже или напишите город или название пояса (Москва, Europe/Berlin) или смещение от UTC (+3, UTC-05:30). /cancel — оставить как есть.
timezone-set = ✅ Часовой пояс: <b>{ $zone }</b>, сейчас там { $time }.
timezone-unknown = Не знаю часовой пояс «{ $text }». Напишите город или название пояса, например Москва или Europe/Berlin, или смещение от UTC, например +3 или UTC-05:30. /cancel — оставить пояс как есть.
timezone-button-forum = 📍 Время форума: { $zone }

## Сообщения, которые бот присылает сам

reminder =
    ⏰ Через { $duration }: <b>{ $title }</b>
    { $day }, { $time } · { $place }
schedule-moved =
    🕑 <b>{ $title }</b> переносится: теперь { $when } (было { $was }).
    { $place }. Напоминания перенесены вместе с ним.
schedule-cancelled = ❌ <b>{ $title }</b> ({ $when }) отменено. Напоминания о нём не будет.
schedule-reinstated =
    ✅ <b>{ $title }</b> снова в программе: { $when }, { $place }.
    Напоминания снова включены.
fair-nudge =
    🧭 <b>{ $title }</b> откроется через { $duration }, в { $time } ({ $place }). Там вас ждут наиболее подходящие вам организации:
    { $organisations }
fair-nudge-org = • <b>{ $name }</b>, стенд { $booth }
fair-nudge-org-no-booth = • <b>{ $name }</b> (номер стенда подскажут у входа)

## Меню команд

menu-schedule = Программа форума; выбрать мероприятия
menu-my-schedule = Ваши мероприятия и что дальше
menu-reminders = Когда напоминать
menu-timezone = Ваш часовой пояс
