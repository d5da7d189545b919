"""Word lists of English, Russian and Kazakh: stop words, words for other people, and intents.

Besides grammar words, the lists hold what students say around their interests ("I want to
work", "I'm a student", "интересуюсь", "қызығамын"), so that these words can never fuzzily match
a topic. `matching.text` folds them (see `fold`) so that Latin-typed Russian and Kazakh stop
words ("hochu", "i", "men") are recognised too.

The intent lists tell a student seeking a career or a study place from a customer asking for a
service ("which operator has the cheapest plan", «куда обращаться, не показывает тарелка»).
"""

from __future__ import annotations

_EN = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing done down during each either else even ever
every few for from further get got had has have having he her here hers herself him himself his how
i if in into is it its itself just let like liked likes love loved loves me more most much my myself
no nor not now of off often on once only or other our ours ourselves out over own please quite
rather really same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours yourself yourselves s t d ll m re ve etc via per
want wants wanted wanting wish would like interested interest interests interesting keen passionate
fan enjoy enjoying enjoyed dream dreaming hope hoping looking look find finding work working worked
job jobs career careers company companies organization organisation organizations field fields area
areas sphere thing things something stuff lot lots kind kinds sort become becoming make making
try trying study studying studied student students university uni college school
year years graduate graduated bachelor bachelors degree major majoring course courses semester
currently also especially mostly mainly particularly maybe perhaps probably think know good great
best new well many people person im ive id dont doesnt cant use using used able start
started starting someday day future one two three first second third related connected around
anything everything apply applying position positions opportunity opportunities help helping
advance whatever whichever
hi hello thanks thank yes ok okay name called kazakhstan almaty astana
program programs programme programmes
"""

_RU = """
а б в во вот все всё всего вся весь всех вы где да даже для до его ее её ей ему если есть еще ещё
чему кому кем ком
же за здесь и из или им их к как какой какие какая ко когда кто ли либо между меня мне мной мы на
над не нее неё ней нет ни них но ну о об обо он она они оно от очень по под после потом при про
с со так также там тебе тебя то того тоже той только том тут ты у уже хотя чего чей чем что чтобы
чье чья эта эти это этот этим этой я мой моя мое моё мои моих свой свою свои своих наш наша наши
был была были было быть буду будет будут есть является являюсь
хочу хотел хотела хотелось хотим хочется хотят хотел бы бы нравится нравятся нравилось люблю любит
интересно интересует интересуют интересуюсь интересовался интересовалась интерес интересы
интересен интересна увлекаюсь увлекался увлечение мечтаю мечтал мечта мечтала
работать работа работу работы работе работаю поработать работал работала работали работ
заниматься занимаюсь занимался
заниматься изучать изучаю изучал изучала учусь учился училась учиться студент студентка студенты
курс курсе курса университет универ вуз вузе факультет факультете специальность специальности
направление направлении область области сфера сфере сферу компания компании организация
организации место места стать становиться карьера карьеру карьеры профессия профессию
ищу искать найти попасть пойти хотелось бы можно нужно надо хорошо отлично много немного
сейчас пока потом раньше сам сама сами особенно больше всего вообще например типа вроде
любой любая любую любое любые заранее угодно
бакалавр бакалавриат выпускник выпускница окончил окончила год года лет связано связанное
связанный связанные связанная как-то всем чем-то что-то какой-то какая-нибудь кем-то
привет здравствуйте спасибо пожалуйста меня зовут зовут казахстан алматы астана
программа программы программу программе
"""

_KK = """
мен сен ол біз сіз олар менің сенің оның біздің сіздің олардың маған саған оған бізге сізге
мені сені оны бізді сізді және мен бен пен да де та те ма ме ба бе па пе ғой қой ғана тек
бірақ немесе әлде егер үшін туралы арқылы сияқты бойынша дейін кейін бері соң жəне
бұл осы сол мына анау барлық әр әрбір кейбір бір екі үш көп аз өте ең тағы енді қазір
бар жоқ емес еді екен болу болды болады болып болса болғым болғым келеді келеді келед
қалаймын қалайды қалаймыз қалаған қалау қызығамын қызығушылық қызықтырады қызығатын
ұнайды ұнатамын жақсы көремін армандаймын арман жұмыс жұмысы жұмыс істеу істегім істеймін
істеу оқимын оқып оқу оқыған студентпін студент студентпен университет университетте курс
курста мамандық мамандығым мамандығы саласы сала саласында салада бағыт бағыты бағытында
компания ұйым мансап болашақта болашақ келешекте тілеймін табу іздеймін іздеу керек қажет
сәлем сәлеметсіз рахмет атым есімім менің атым қазақстан алматы астана түрлі әртүрлі
бағдарлама бағдарламасы бағдарламасын сондықтан сонымен кез келген алдын ала
"""


STOP_WORDS_RAW: dict[str, frozenset[str]] = {
    "en": frozenset(_EN.split()),
    "ru": frozenset(_RU.split()),
    "kk": frozenset(_KK.split()),
}


# People other than the student: what follows them in a sentence is about someone else
# ("came with my friend who studies physics", «досыммен келдім, ол физик»). Inflected and
# possessive forms are recognised from these (see `matching.text.others_spans`). Words that
# also mean the student themselves ("девушка", a girl) or what they would work with ("дети")
# are left out.
_OTHERS_EN = """
friend friends girlfriend boyfriend buddy brother brothers sister sisters mom mum mother dad
father parents husband wife son daughter cousin uncle aunt grandfather grandmother grandpa
grandma classmate classmates groupmate roommate neighbour neighbor fiance fiancee
"""
_OTHERS_RU = """
друг друзья подруга подружка приятель приятельница брат братишка сестра сестренка мама мать
папа отец родители муж жена сын дочь дочка двоюродный кузен дядя тетя дедушка бабушка
одногруппник одногруппница однокурсник однокурсница одноклассник одноклассница сосед соседка
жених невеста
"""
_OTHERS_KK = """
досым достарым досымыз құрбым құрбыларым жолдасым ағам ағалар ағайым апам әпкем інім сіңлім
қарындасым бауырым анам әкем күйеуім ұлым қызым
курстасым курстастарым сыныптасым сыныптастарым көршім
"""
OTHERS_RAW: frozenset[str] = frozenset((_OTHERS_EN + _OTHERS_RU + _OTHERS_KK).split())
OTHERS_KK_RAW: frozenset[str] = frozenset(_OTHERS_KK.split())

# The student speaking of themselves again, or a contrast ("мой папа физик, а я..."): ends
# what was said about someone else.
OTHERS_END_RAW: frozenset[str] = frozenset(
    ["i", "i'm", "im", "but", "я", "а", "но", "ал", "бірақ", "алайда", "ya", "birak", "biraq"]
)

# A contrast starts a new clause: "I read horoscopes for fun, but I study astrophysics".
_CONTRAST = """
but however though although whereas но а однако зато хотя ал бірақ алайда дегенмен
odnako zato birak biraq alaida
"""
CONTRAST_RAW: frozenset[str] = frozenset(_CONTRAST.split())


# Intents: phrases, one per line, in plain forms (each word is folded and stemmed as students'
# words are, so endings, Latin typing and reduced vowels are forgiven: «хачу работать»).
#
# Career or study: the student speaks of working, studying, an internship, a thesis, a career
# change. Where a text has one, what it names is the student's interest.
_CAREER_EN = """
want to work | would like to work | wanna work | like to work | love to work | dream of working
work as | work at | work for | work on | working as | working at | working on | i work
worked as | worked at | want to become | want to be | dream to become | become an engineer
job | jobs | internship | internships | intern | traineeship | vacancy | vacancies | career
careers | employment | hire | hiring | salary | apply | position | positions | postdoc
thesis | diploma | dissertation | coursework | course project | graduate | graduated
graduating | graduation | i study | study at | studying | studied | major | majoring
studies | degree | bachelor | master's | masters | phd | university | faculty | uni | learn
learning | engineer | engineers | specialist | profession | professional | years of experience
switch careers | change careers | switch into | move into | research position | for a living
want to build | want to design | want to make | want to create | want to do | want to study
looking for a job | looking for work
would like to | dream of | my dream | want to develop | want to research | want to improve
developer | developers | dev | get into | break into | dream job
want to understand | want to learn
"""
_CAREER_RU = """
хочу работать | хотел бы работать | хотела бы работать | мечтаю работать | работать в
работать на | работаю | работал | работала | работать | поработать | устроиться
стажировка | стажировку | стажер | стажеры | практика | практику | практиканты | вакансия
вакансии | карьера | карьеру | профессия | профессию | профессионально | специальность
специальности | специалист | инженер | инженером | учусь | учиться | изучаю | изучать
первокурсник | курсовая | курсовой проект | диплом | дипломная | дипломную
магистратура | магистратуру | аспирантура | докторантура | phd | выпускник | выпускница
окончил | окончила | факультет | кафедра | вуз | универ | университет | опыт работы | зарплата
резюме | сменить сферу | перейти в | переучиться | хочу стать | мечтаю стать | хочу заниматься
заниматься | научиться | кем угодно | кем стать | кем работать | лишь бы взяли | возьмут
хочу строить | хочу создавать | хочу собирать | хочу проектировать | хочу делать
хочу изучать | хочу учиться | мечтаю | хочу сделать | хочу создать | хочу построить | ищу работу
хочу разработать | хочу разрабатывать | хочу собрать | хочу спроектировать | хочу исследовать
разработчик | разработчиком | хочу перейти | хочу разобраться | хочу понять | работа мечты
работы мечты
"""
_CAREER_KK = """
жұмыс істегім | жұмыс істеймін | жұмыс істедім | жұмыс істеп | жұмысқа тұру | жұмыс іздеймін
тағылымдама | тағылымдамадан | практика | мамандық | мамандығым | мамандығы | маман | оқимын
оқып жүрмін | оқыдым | оқығым | диплом
дипломдық | магистратура | магистратураға | докторантура | докторант | түлек | бітірдім
инженер | инженермін | тәжірибе | жалақы | мансап | болғым келеді | айналысқым | үйренгім
зерттегім | жасағым | университет | университетте | факультет | жобалағым | құрастырғым
әзірлегім | құрғым | өткім | жұмыс іздеп жүрмін | әзірлеуші | ауысқым | түсінгім
"""
# A customer asking for a service, a purchase, a repair or a price: what such a text names
# (satellite TV, a mobile network, a telescope to buy) is a product, not a career.
_CONSUMER_EN = """
tariff | tariffs | phone plan | data plan | mobile plan | internet plan | internet package
tv package | channel package | subscription | sim card | roaming | customer service
customer support | tech support | hotline | complaint | refund | warranty | discount
promo code | for sale | on sale | sell | selling | buy | buying | bought | purchase | price
prices | cheap | cheaper | cheapest | expensive | how much | afford | rent | renting | for rent
lease | mortgage | doesn't work | doesnt work | does not work | not working | stopped working
no signal | bad signal | weak signal | keeps dropping | who do i call | who should i call
where do i call | fix my | repair my | worth buying | worth it | stock price | stocks
broken | cracked | lags | laggy | buffering | won't start | doesn't turn on | where can i buy
where to buy | which brand | looking for a flat | looking for an apartment | reset my
internet is slow | slow internet | opening hours | pay for | pay by card | which operator
which provider | best operator | how do i get to
how to get to | gift | gifts | present for | open on | is it open | how to set up
"""
_CONSUMER_RU = """
тариф | тарифы | тарифный план | абонент | абонентская плата | пакет каналов | пакет интернета
сим-карта | симка | роуминг | техподдержка | служба поддержки | колл-центр | жалоба
пожаловаться | возврат | гарантия | скидка | скидки | промокод | продаю | продам | продажа
продается | куплю | купить | купил | купила | покупка | покупать | цена | цены | стоимость
сколько стоит
дешево | дешевле | дешевый | дорого | дорогой тариф | сдаю | сдам | аренда | снять квартиру
ипотека | не работает | не показывает | не ловит | пропадает | пропала связь | плохо ловит
нет сигнала | куда обращаться | куда звонить | куда жаловаться | к кому обратиться
подключить | подключиться | провести интернет | посоветуйте | стоит ли покупать | торг
акции | биржа | тормозит | лагает | глючит | сломался | сломалась | сломалось | стучит
не заводится | не включается | где купить | какой фирмы | какую модель | ищу квартиру
сниму квартиру | нужен риелтор | медленный интернет | интернет медленный
во сколько открывается | часы работы | оплатил | оплатить | какой оператор | какой провайдер
пропали каналы | каналы пропали | как настроить
не видит | как добраться | как доехать | подарить | подарок | подарки
"""
_CONSUMER_KK = """
тариф | тарифі | абонент | сим-карта | роуминг | баға | бағасы | қанша тұрады | қымбат
арзан | арзанырақ | сатамын | сатылады | сатып аламын | сатып алу | сатып алсам | жалға
ипотека | көрсетпейді | істемейді | ұстамайды | байланыс жоқ | интернет жоқ | сигнал жоқ
қайда хабарласу | қайда жүгіну | кімге хабарласу | қосып беріңіз | орнатып беру
кесіп тастайды | үзіліп қалады | үзіледі | сынып қалды | қайдан сатып | пәтер іздеймін
сатып алайын | сатып алғым | сатып алған | сатып алдым | интернет баяу | баяу интернет
қашан ашылады | қай оператор | жоғалып кетті | арналар жоқ | қалай баруға
қалай жетуге | сыйлық
"""


def _phrases(text: str) -> frozenset[str]:
    return frozenset(p.strip() for line in text.splitlines() for p in line.split("|") if p.strip())


CAREER_RAW: frozenset[str] = _phrases(_CAREER_EN + _CAREER_RU + _CAREER_KK)
CONSUMER_RAW: frozenset[str] = _phrases(_CONSUMER_EN + _CONSUMER_RU + _CONSUMER_KK)
