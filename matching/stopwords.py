"""Word lists of English, Russian and Kazakh: stop words, and the words for other people.

Besides grammar words, the lists hold what students say around their interests ("I want to
work", "I'm a student", "интересуюсь", "қызығамын"), so that these words can never fuzzily match
a topic. `matching.text` folds them (see `fold`) so that Latin-typed Russian and Kazakh stop
words ("hochu", "i", "men") are recognised too.
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
работать работа работу работы работе работаю поработать заниматься занимаюсь занимался
заниматься изучать изучаю изучал изучала учусь учился училась учиться студент студентка студенты
курс курсе курса университет универ вуз вузе факультет факультете специальность специальности
направление направлении область области сфера сфере сферу компания компании организация
организации место места стать становиться карьера карьеру карьеры профессия профессию
ищу искать найти попасть пойти хотелось бы можно нужно надо хорошо отлично много немного
сейчас пока потом раньше сам сама сами особенно больше всего вообще например типа вроде
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
бағдарлама бағдарламасы бағдарламасын
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
    ["i", "i'm", "im", "but", "я", "а", "но", "ал", "бірақ", "алайда"]
)
