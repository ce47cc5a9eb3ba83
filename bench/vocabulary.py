"""What the generator says, learnt from the real corpus or listed from life.

The benchmark is only worth something if the generated minutes tokenise,
stem and score like the real ones, so prose is not invented here: it is a
word-level Markov chain (order 2) trained on the sentences of the real
referater in `corpus/`. Before training, the names that tie a sentence to one
meeting (the municipality, its institutions, people, the body itself, years)
are replaced by placeholders such as ``{INST}`` or ``{Ym1}`` (last year), so a
generated sentence can be re-anchored in any municipality, body and year.

Everything else in this module is plain data: Danish municipalities, first and
last names, parties, organisations, institution name parts and the topics an
agenda item can be about (with the KLE numbers, laws and attachments that go
with them).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer.institutions import GAZETTEER_FILE, load_gazetteer
from indexer.readers import read_document

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"

START = ""
END = "\x00"

# --- calendar words ------------------------------------------------------------

MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)
WEEKDAYS = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag")

# --- people --------------------------------------------------------------------

FIRST_NAMES = (
    "Anne", "Mette", "Kirsten", "Hanne", "Susanne", "Lene", "Maria", "Marianne", "Lone", "Pia",
    "Camilla", "Charlotte", "Louise", "Tina", "Dorte", "Helle", "Bente", "Karen", "Inge", "Birgitte",
    "Jette", "Eva", "Stine", "Line", "Julie", "Sofie", "Ida", "Emma", "Cecilie", "Rikke", "Mona",
    "Vibeke", "Malene", "Christina", "Katrine", "Trine", "Annette", "Heidi", "Lisbeth", "Merete",
    "Gitte", "Nanna", "Signe", "Laura", "Mathilde", "Henriette", "Kate", "Randi", "Bjørg", "Vivi",
    "Ulla", "Grethe", "Sanne", "Tove", "Elisabeth", "Ayse", "Fatima", "Amira", "Jannie", "Britt",
    "Jens", "Peter", "Lars", "Michael", "Henrik", "Søren", "Thomas", "Jan", "Niels", "Hans",
    "Anders", "Morten", "Jesper", "Martin", "Per", "Ole", "Erik", "Rasmus", "Christian", "Mads",
    "Kim", "Jakob", "Allan", "Johan", "Frederik", "Mikkel", "Kasper", "Torben", "Bent", "Steen",
    "Poul", "Kristian", "Bo", "Carsten", "Kåre", "Jannik", "André", "Erling", "Daniel", "Simon",
    "Tobias", "Jonas", "Nikolaj", "Brian", "Flemming", "Svend", "Karsten", "Ib", "Klaus", "Ali",
    "Musa", "Mustafa", "Taner", "Ahmed", "Omar", "Emre", "Preben", "Leif", "Finn", "Arne",
)
MIDDLE_NAMES = (
    "Lund", "Dahl", "Holm", "Juul", "Kjær", "Bach", "Bruun", "Skov", "Krog", "Lykke", "Marie",
    "Margrethe", "Munk", "Winther", "Friis", "Gade", "Høj", "Storm", "Borg", "Damgaard", "Bækdahl",
    "Kamp", "Lundahl", "Støvring", "Grimm", "Harder", "Reimer",
)
LAST_NAMES = (
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen",
    "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Olesen",
    "Frederiksen", "Laursen", "Henriksen", "Lund", "Schmidt", "Eriksen", "Holm", "Kristiansen",
    "Clausen", "Simonsen", "Svendsen", "Andreasen", "Iversen", "Jeppesen", "Mogensen", "Jacobsen",
    "Nissen", "Østergaard", "Bækkegård", "Frandsen", "Ottesen", "Svarrer", "Assov", "Hollendsted",
    "Kekec", "Abbasi", "Arslan", "Genc", "Hawwa", "Amingsø", "Thornberg", "Lauritsen", "Bertelsen",
    "Søndergaard", "Vestergaard", "Kjeldsen", "Dam", "Bech", "Krogh", "Nygaard", "Winther",
    "Lindberg", "Bak", "Toft", "Overgaard", "Lauridsen", "Dalsgaard", "Ravn", "Mølgaard",
    "Skovgaard", "Fogholm", "Outzen", "Liljensø", "Sloth", "Westh", "Hein", "Borg", "Müller",
)
# Party letters as the minutes print them, with a rough share of council seats.
PARTIES = (
    ("A", 30), ("V", 20), ("C", 12), ("F", 10), ("Ø", 7), ("O", 6), ("B", 5),
    ("D", 3), ("I", 3), ("Å", 2), ("Løsgænger", 2),
)
HANDICAP_ORGS = (
    "Dansk Handicap Forbund", "LEV", "Scleroseforeningen", "Landsforeningen Autisme",
    "Danske Handicaporganisationer", "Hjernesagen", "Dansk Blindesamfund", "ADHD-foreningen",
    "Gigtforeningen", "Parkinsonforeningen", "Danske Døves Landsforbund",
)
PSYCHIATRY_ORGS = (
    "SIND", "Bedre Psykiatri", "Landsforeningen Autisme", "borgerrepræsentant",
    "boligforeningerne i {BY} Kommune", "Psykiatrisk Center {BY}", "LAP", "Landsforeningen SIND",
)
SENIOR_ROLES = ("formand", "næstformand", "")

# --- municipalities --------------------------------------------------------------

# The first two have real gazetteers in corpus/; the next six are named in the
# brief; the rest are Denmark's other municipalities (Copenhagen, with its
# Borgerrepræsentation and no committee system of this shape, is left out).
MUNICIPALITIES = (
    "Ballerup", "Ikast-Brande", "Aarhus", "Odense", "Aalborg", "Vejle", "Herning", "Gladsaxe",
    "Albertslund", "Allerød", "Assens", "Billund", "Bornholm", "Brøndby", "Brønderslev", "Dragør",
    "Egedal", "Esbjerg", "Faaborg-Midtfyn", "Fanø", "Favrskov", "Faxe", "Fredensborg", "Fredericia",
    "Frederiksberg", "Frederikshavn", "Frederikssund", "Furesø", "Gentofte", "Gribskov", "Guldborgsund",
    "Haderslev", "Halsnæs", "Hedensted", "Helsingør", "Herlev", "Hillerød", "Hjørring", "Holbæk",
    "Holstebro", "Horsens", "Hvidovre", "Høje-Taastrup", "Hørsholm", "Ishøj", "Jammerbugt",
    "Kalundborg", "Kerteminde", "Kolding", "Køge", "Langeland", "Lejre", "Lemvig", "Lolland",
    "Lyngby-Taarbæk", "Læsø", "Mariagerfjord", "Middelfart", "Morsø", "Norddjurs", "Nordfyns",
    "Nyborg", "Næstved", "Odder", "Odsherred", "Randers", "Rebild", "Ringkøbing-Skjern", "Ringsted",
    "Roskilde", "Rudersdal", "Rødovre", "Samsø", "Silkeborg", "Skanderborg", "Skive", "Slagelse",
    "Solrød", "Sorø", "Stevns", "Struer", "Svendborg", "Syddjurs", "Sønderborg", "Thisted", "Tønder",
    "Tårnby", "Vallensbæk", "Varde", "Vejen", "Vesthimmerlands", "Viborg", "Vordingborg", "Ærø",
    "Aabenraa",
)
# Municipalities whose council is "Byrådet" and whose minutes follow the
# Ikast-Brande layout (decision first, Behandlingsforløb, Budgetmæssige konsekvenser).
BYRAAD_STYLE = frozenset({
    "Ikast-Brande", "Aarhus", "Odense", "Aalborg", "Vejle", "Herning", "Silkeborg", "Horsens",
    "Randers", "Kolding", "Esbjerg", "Holstebro", "Viborg", "Skive", "Fredericia", "Middelfart",
    "Svendborg", "Haderslev", "Sønderborg", "Aabenraa", "Tønder", "Varde", "Billund", "Vejen",
    "Ringkøbing-Skjern", "Struer", "Lemvig", "Thisted", "Hjørring", "Frederikshavn", "Brønderslev",
    "Vesthimmerlands", "Rebild", "Mariagerfjord", "Syddjurs", "Norddjurs", "Favrskov", "Skanderborg",
    "Odder", "Hedensted", "Roskilde", "Køge", "Næstved", "Slagelse", "Helsingør", "Hillerød",
})
TOWNS = {
    "Ikast-Brande": "Ikast", "Lyngby-Taarbæk": "Lyngby", "Ringkøbing-Skjern": "Ringkøbing",
    "Høje-Taastrup": "Taastrup", "Vesthimmerlands": "Aars", "Mariagerfjord": "Hobro",
    "Norddjurs": "Grenaa", "Syddjurs": "Ebeltoft", "Faaborg-Midtfyn": "Ringe", "Gladsaxe": "Søborg",
    "Nordfyns": "Bogense", "Jammerbugt": "Aabybro", "Favrskov": "Hinnerup", "Rebild": "Støvring",
}
ZIP_CODES = {
    "Ballerup": 2750, "Ikast": 7430, "Aarhus": 8000, "Odense": 5000, "Aalborg": 9000, "Vejle": 7100,
    "Herning": 7400, "Søborg": 2860, "Gentofte": 2820, "Silkeborg": 8600, "Horsens": 8700,
    "Randers": 8900, "Kolding": 6000, "Esbjerg": 6700, "Roskilde": 4000, "Køge": 4600,
    "Næstved": 4700, "Holstebro": 7500, "Viborg": 8800,
}


def slugify(text: str) -> str:
    """The same slug rule as the indexer, so generated folders and file names
    look like the corpus's (ø → oe, å → aa)."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa").replace("é", "e")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def stable_int(text: str) -> int:
    """A process-independent hash (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def zip_code(town: str) -> int:
    return ZIP_CODES.get(town, 1000 + stable_int(town) % 8990)


# --- institutions --------------------------------------------------------------

# (kind as the gazetteer writes it, the definite form used before a name, group)
INSTITUTION_KINDS = (
    ("botilbud", "Botilbuddet", "social"),
    ("bofællesskab", "Bofællesskabet", "social"),
    ("helhedstilbud", "Helhedstilbuddet", "social"),
    ("opgangsfællesskab", "Opgangsfællesskabet", "social"),
    ("aflastningstilbud", "Aflastningstilbuddet", "social"),
    ("værested", "Værestedet", "social"),
    ("døgntilbud", "Døgntilbuddet", "social"),
    ("plejecenter", "Plejecenter", "pleje"),
    ("plejecenter", "Plejecentret", "pleje"),
    ("skole", "", "skole"),
)
INSTITUTION_STEMS = (
    "Lindebo", "Kildebo", "Egebo", "Solbo", "Engbo", "Toftebo", "Rosenbo", "Birkebo", "Bøgebo",
    "Granly", "Solhaven", "Kildehaven", "Rosenhaven", "Lindehaven", "Egehøj", "Bakkehøj", "Møllehøj",
    "Skovhøj", "Engparken", "Mølleparken", "Lyngparken", "Solgården", "Lindegården", "Kastaniegården",
    "Nørregården", "Egegården", "Bakkehuset", "Fyrtårnet", "Lærkereden", "Svanen", "Ankeret",
    "Bryggen", "Hedebo", "Strandbo", "Sølund", "Højvang", "Stensbo", "Åhusene", "Fuglebo", "Skovbo",
    "Valmuen", "Tranehuset", "Hybenhuset", "Kløverhuset", "Åløkke", "Vibehuset", "Havebo", "Marievang",
)
SCHOOL_STEMS = (
    "Hede", "Eng", "Sø", "Skov", "Bakke", "Nørre", "Vester", "Øster", "Strand", "Linde", "Ege",
    "Bøge", "Birke", "Møllevangs", "Kilde", "Rosen", "Lyng", "Toft", "Åby", "Holme",
)
STREETS = (
    "Lindevej", "Skolevej", "Kirkevej", "Møllevej", "Stationsvej", "Parkvej", "Bakkevej", "Engvej",
    "Skovvej", "Søndergade", "Nørregade", "Vestergade", "Østergade", "Bygaden", "Ringvejen",
    "Toftevej", "Hedevej", "Åvej", "Rosenvænget", "Egevænget", "Magleparken", "Torvet",
)
GAZETTEER_GROUPS = {
    "botilbud": "social", "bofællesskab": "social", "helhedstilbud": "social",
    "opgangsfællesskab": "social", "aflastningstilbud": "social", "værested": "social",
    "botilbud og STU": "social", "autismecenter": "social", "behandlingstilbud": "social",
    "plejecenter": "pleje", "skole": "skole",
}

# --- administration -----------------------------------------------------------

CENTERS = {
    "soc": ("Center for Social og Arbejdsmarked", "Center for Voksne og Sundhed", "Center for Social og Sundhed"),
    "besk": ("Center for Arbejdsmarked", "Center for Social og Arbejdsmarked", "Center for Job og Uddannelse"),
    "sund": ("Center for Omsorg og Sundhedsfremme", "Center for Sundhed og Ældre", "Center for Voksne og Sundhed"),
    "born": ("Center for Børne- og Ungerådgivning", "Center for Skole og Dagtilbud", "Center for Børn og Familie"),
    "kultur": ("Center for Kultur og Fritid", "Center for Kultur, Fritid og Idræt"),
    "teknik": ("Center for By, Erhverv og Miljø", "Center for Miljø og Teknik", "Center for Ejendomme"),
    "ou": ("Center for Økonomi og Styring", "Center for Økonomi og Personale", "Center for Politik og Udvikling"),
}
DIRECTORS = {
    "soc": "Direktøren for voksenområdet", "besk": "Direktøren for voksenområdet",
    "sund": "Direktøren for sundheds- og omsorgsområdet", "born": "Direktøren for børne- og kulturområdet",
    "kultur": "Direktøren for børne- og kulturområdet", "teknik": "Direktøren for teknik- og miljøområdet",
    "ou": "Kommunaldirektøren",
}
STAFF_ROLES = ("afsnitsleder", "afdelingsleder", "forstander", "konsulent", "teamleder", "socialchef", "chefkonsulent")

# --- topics --------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """What an agenda item is about, and everything that follows from it.

    `bodies` are the body kinds that take the topic up on their own; `paths`
    the routes (body kinds in order) a case about it travels when several
    bodies treat it under one case number. `action` decides the wording of the
    Indstilling and the kind of decision (efterretning, godkend, drøft, høring).
    """

    key: str
    titles: tuple[str, ...]
    kle: tuple[str, ...]
    facets: tuple[str, ...]
    bodies: tuple[str, ...] = ()
    paths: tuple[tuple[str, ...], ...] = ()
    action: str = "efterretning"
    laws: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    inst_group: str | None = None
    recurring: bool = False
    money: bool = False
    weight: float = 1.0


RAAD = ("handicapraad", "psykiatriraad", "aeldreraad")
FAG = ("soc", "besk", "sund", "born", "kultur", "teknik")

TOPICS: tuple[Topic, ...] = (
    Topic(
        "tilsyn",
        ("Tilsyn på {inst}", "Skærpet tilsyn for {inst}", "Driftsorienteret tilsyn på {inst} {year}",
         "Uanmeldt tilsyn på {instf}", "Tilsynsrapport for {instf} {year}", "Tilsyn på {inst} og handleplan"),
        ("27.30.00", "15.00.00", "00.01.10"), ("P05", "P35", "K09", "G01"),
        bodies=("soc", "handicapraad", "psykiatriraad"), paths=(("handicapraad", "soc"), ("psykiatriraad", "soc")),
        laws=("lov om socialtilsyn § 6", "§§ 6 og 12-18 i lov om socialtilsyn", "lov om socialtilsyn § 8, stk. 2"),
        attachments=("Endelig tilsynsrapport - {inst} {month} {year}", "Handleplan tilsyn {inst} {year}",
                     "Tids- og handleplan for {inst}", "Endelig afgørelse om skærpet tilsyn med påbud - {inst} {month} {year}",
                     "Høringssvar vedr. {inst} {year}"),
        inst_group="social", recurring=True, weight=3,
    ),
    Topic(
        "tilsyn_pleje",
        ("Tilsyn på {instf} {year}", "Uanmeldt tilsyn på {instf}", "Tilsynsrapport for {instf}", "Ældretilsynets besøg på {instf}"),
        ("27.12.00", "29.09.00"), ("P05", "G01", "K09"),
        bodies=("sund", "aeldreraad"), paths=(("aeldreraad", "sund"),),
        attachments=("Tilsynsrapport {instf} {year}", "Handleplan {inst} {year}"),
        inst_group="pleje", recurring=True, weight=2,
    ),
    Topic(
        "tilsyn_samlet",
        ("Driftsorienterede tilsyn i {prev_year}", "Afrapportering af tilsynsrapporter i Socialafdelingen {prev_year}",
         "Samlet afrapportering af tilsyn på botilbud {prev_year}"),
        ("27.30.00", "00.00.00"), ("K09", "G01"),
        bodies=("soc", "handicapraad", "psykiatriraad"), paths=(("psykiatriraad", "soc"), ("handicapraad", "soc")),
        action="høring", laws=("§§ 6 og 12-18 i lov om socialtilsyn",),
        attachments=("Endelig tilsynsrapport {inst} {prev_year}", "Handleplan tilsyn {inst} {prev_year}",
                     "Svar på høringssvar vedr. {inst} {prev_year}", "Uanmeldt driftsorienteret tilsyn {inst}, endelig rapport {prev_year}"),
        inst_group="social", recurring=True,
    ),
    Topic(
        "magtanvendelse",
        ("Magtanvendelser i {prev_year}", "Årlig opgørelse over magtanvendelser {prev_year}",
         "Magtanvendelser på handicap- og ældreområdet {prev_year}"),
        ("27.66.08",), ("K07", "G01"),
        bodies=("soc", "sund", "handicapraad", "psykiatriraad", "aeldreraad"),
        paths=(("handicapraad", "soc"), ("psykiatriraad", "soc"), ("aeldreraad", "sund")),
        action="høring", laws=("servicelovens § 136", "serviceloven § 128"),
        attachments=("Oversigt over typer af magtanvendelse {prev_year}", "Årlig opgørelse over magtanvendelser {prev_year}"),
        recurring=True,
    ),
    Topic(
        "kvalitetsstandard",
        ("Kvalitetsstandard for socialpædagogisk støtte efter servicelovens § 85",
         "Kvalitetsstandard for midlertidigt botilbud efter servicelovens § 107",
         "Kvalitetsstandard for længerevarende botilbud efter servicelovens § 108",
         "Kvalitetsstandard for beskyttet beskæftigelse og aktivitets- og samværstilbud efter §§ 103 og 104",
         "Kvalitetsstandard for merudgifter efter servicelovens § 100",
         "Kvalitetsstandard for ledsagelse efter servicelovens § 97",
         "Revision af kvalitetsstandarder på voksenområdet {year}"),
        ("27.69.48", "27.24.00", "27.12.00"), ("P35", "P22", "A00"),
        bodies=("soc",),
        paths=(("handicapraad", "soc", "ou", "kb"), ("soc", "ou", "kb"), ("handicapraad", "soc"),
               ("psykiatriraad", "soc", "kb")),
        action="godkend", laws=("servicelovens § 85", "servicelovens § 107", "servicelovens § 108", "§§ 103 og 104"),
        attachments=("Kvalitetsstandard {year}", "Kvalitetsstandard med ændringer markeret", "Høringssvar fra Handicaprådet"),
        weight=2,
    ),
    Topic(
        "maalgruppe",
        ("Målgruppeændring og omlægning for {inst} og {inst2}", "Ændring af målgruppe for {instf}",
         "Lukning af {instf}", "Udvidelse af pladser på {instf}",
         "Etablering af nyt botilbud efter servicelovens § 108", "Omlægning af {instf} til midlertidigt botilbud"),
        ("00.22.00", "27.69.48", "82.06.00"), ("A26", "P35", "A00"),
        bodies=("soc",), paths=(("handicapraad", "soc", "ou", "kb"), ("soc", "ou", "kb"), ("psykiatriraad", "soc", "kb")),
        action="godkend", laws=("servicelovens § 107", "servicelovens § 108", "servicelovens § 85"),
        attachments=("Målgruppebeskrivelse {inst}", "Økonomisk notat - {inst}", "Scenarier for {inst}"),
        inst_group="social", money=True, weight=2,
    ),
    Topic(
        "politik",
        ("{kommune} Kommunes Psykiatripolitik", "Handicappolitik {year}-{year3}",
         "Strategi mod social udsathed blandt voksne", "Evaluering og handleplan for Strategi mod social udsathed blandt voksne",
         "Ældrepolitik {year}-{year3}", "Værdighedspolitik {year}", "Socialstrategi - status og handleplan",
         "Beskæftigelsesstrategi {year}-{year3}", "Sammenhængende borgerforløb - status og evaluering",
         "Pårørendepolitik {year}"),
        ("00.01.00", "27.51.08", "00.17.00"), ("P22", "A00"),
        bodies=("soc", "sund"),
        paths=(("psykiatriraad", "soc", "ou", "kb"), ("handicapraad", "soc", "kb"), ("aeldreraad", "sund", "ou", "kb"),
               ("soc", "ou", "kb"), ("handicapraad", "soc", "ou", "kb")),
        action="godkend",
        attachments=("Handleplan - {title}", "Høringssvar fra Handicaprådet", "Høringssvar fra Ældrerådet",
                     "Præsentation på {udvalg}", "{title} - udkast"),
        weight=2,
    ),
    Topic(
        "danmarkskort",
        ("Danmarkskortet over omgjorte sager på Serviceloven og Barnets lov {prev_year}",
         "Danmarkskort over omgjorte sager i Ankestyrelsen på servicelovens områder",
         "Ankestyrelsens omgørelsesprocenter {prev_year}"),
        ("27.69.04", "15.00.00"), ("A00", "P05"),
        bodies=("psykiatriraad", "handicapraad"),
        paths=(("soc", "ou", "kb"), ("handicapraad", "soc", "ou", "kb"), ("soc", "born", "ou", "kb")),
        action="godkend", laws=("retssikkerhedslovens § 79 b",),
        attachments=("Danmarks-kortet - tal {prev_year}", "Omgørelsesprocent på børnehandicapområdet {prev_year}",
                     "Omgørelsesprocent voksenhandicapområdet {prev_year}", "Læsevejledning til danmarkskortene"),
        recurring=True,
    ),
    Topic(
        "barometer",
        ("Handicapsagsbarometer {prev_year}", "Ankestyrelsens praksisundersøgelse på handicapområdet {prev_year}"),
        ("27.69.48",), ("P24", "G01"),
        bodies=("soc", "handicapraad"), paths=(("handicapraad", "soc"),),
        laws=("retssikkerhedslovens § 79 a", "servicelovens § 100", "servicelovens § 97"),
        recurring=True, weight=0.6,
    ),
    Topic(
        "budget",
        ("Budgetopfølgning {n} {year}", "Budgetopfølgning {n} {year} - {omraade}", "Forslag til budget {next_year}-{year4}",
         "Tillægsbevilling til {initiativ}", "Anlægsbevilling til renovering af {instf}", "Regnskab {prev_year} - {omraade}",
         "Overførsel af uforbrugte midler fra {prev_year} til {year}", "Budgetønsker {next_year} - {omraade}"),
        ("00.30.00", "00.30.10", "00.30.14"), ("S00", "G01", "A00"),
        bodies=("soc", "sund", "born", "besk", "teknik", "kultur", "ou"),
        paths=(("soc", "ou", "kb"), ("sund", "ou", "kb"), ("born", "ou", "kb"), ("besk", "ou", "kb"),
               ("teknik", "ou", "kb"), ("kultur", "ou", "kb"), ("ou", "kb")),
        action="godkend", attachments=("Budgetopfølgning {n} - {omraade}", "Bevillingsoversigt", "Anlægsoversigt {year}"),
        inst_group="social", money=True, weight=3,
    ),
    Topic(
        "orientering",
        ("Status på {initiativ}", "Orientering om {initiativ}", "Evaluering af {initiativ}",
         "Opfølgning på budgetaftalepunkt '{initiativ}'", "Orientering om {initiativ} i {kommune} Kommune"),
        ("00.01.10", "15.00.00", "27.00.00", "29.00.00"), ("G01", "P05", "P20"),
        bodies=("soc", "besk", "sund", "born", "kultur", "teknik", "ou", "handicapraad", "psykiatriraad", "aeldreraad"),
        attachments=("Notat om {initiativ}", "Præsentation - {initiativ}", "Statusnotat {year}"),
        weight=5,
    ),
    Topic(
        "korpus",  # titles learnt from the corpus's tables of contents
        (),
        ("00.01.10", "15.00.00", "27.00.00", "29.00.00", "85.02.00"), ("G01", "P05", "P20", "A00"),
        bodies=("soc", "besk", "sund", "handicapraad", "psykiatriraad"),
        inst_group="social", weight=3,
    ),
    Topic(
        "besoeg",
        ("Besøg og rundvisning på {instf}", "Temadrøftelse: {initiativ}", "Oplæg fra {instf}"),
        ("00.05.00",), ("P35", "G01"),
        bodies=("soc", "sund", "born", "handicapraad", "psykiatriraad", "aeldreraad"),
        inst_group="social", weight=0.8,
    ),
    Topic(
        "hoering",
        ("Høring over {plan}", "Høringssvar vedrørende {plan}", "{plan} - høring"),
        ("00.01.00", "27.00.00"), ("P22", "G01"),
        bodies=("handicapraad", "psykiatriraad", "aeldreraad"), action="høring",
        attachments=("{plan} - høringsudkast", "Høringsbrev"),
        weight=2.5,
    ),
    Topic(
        "beskaeftigelse",
        ("Overblik over ydelser udbetalt {month} {year}", "'Kend din Kommune {year}' – nøgletal for Socialafdelingen og Arbejdsmarkedsafdelingen",
         "Ledighedsstatistik {month} {year}", "Beskæftigelsesplan {next_year}", "Status på IPS-indsatsen",
         "Løft til beskæftigelsesindsats for unge med psykisk lidelse", "Orientering vedr. kontrolgruppens resultatopgørelse for {prev_year}"),
        ("15.00.00", "15.20.00", "00.15.10"), ("P05", "P20", "G01"),
        bodies=("besk", "soc"), paths=(("besk", "ou", "kb"), ("soc", "ou", "kb")),
        attachments=("Overblik over ydelsesmodtagere - {month} {year}", "kend-din-kommune-{year}"),
        weight=2,
    ),
    Topic(
        "aeldre",
        ("Plejeboligkapacitet frem mod {year5}", "Status på hjemmeplejen {year}", "Demensindsatsen i {kommune} Kommune",
         "Madservice til hjemmeboende ældre", "Kvalitetsstandard for hjemmepleje {next_year}", "Værdighedsmidler {year}",
         "Kvalitetsstandard for personlig og praktisk hjælp efter servicelovens § 83"),
        ("27.12.00", "29.09.00", "27.24.00"), ("P22", "G01", "A00"),
        bodies=("sund", "aeldreraad"), paths=(("aeldreraad", "sund", "ou", "kb"), ("aeldreraad", "sund"), ("sund", "ou", "kb")),
        action="godkend", laws=("servicelovens § 83", "servicelovens § 86"), inst_group="pleje", weight=2,
    ),
    Topic(
        "skole",
        ("Kvalitetsrapport for folkeskolerne {prev_year}/{year2}", "Skoledistrikter fra skoleåret {year}/{next_year}",
         "Status på inklusion på {inst}", "Specialundervisning - visitation og kapacitet", "Elevtal og klassedannelse {next_year}"),
        ("17.01.00", "17.02.00"), ("P20", "G01", "A00"),
        bodies=("born",), paths=(("born", "ou", "kb"), ("handicapraad", "born")),
        action="godkend", inst_group="skole", weight=2,
    ),
    Topic(
        "teknik",
        ("Lokalplan nr. {n3} for {område}", "Trafiksikkerhedsplan {year}-{year3}", "Tilgængelighed i kommunens bygninger",
         "Klimatilpasningsplan {year}", "Salg af {område}", "Affaldsplan {year}-{year5}"),
        ("01.02.05", "05.01.00", "07.00.00"), ("P16", "G01", "A00"),
        bodies=("teknik",), paths=(("teknik", "ou", "kb"), ("handicapraad", "teknik")),
        action="godkend", weight=2,
    ),
    Topic(
        "kultur",
        ("Fordeling af puljen til {initiativ}", "Folkeoplysningspolitik {year}", "Tilskud til foreninger {year}",
         "Status på biblioteksområdet"),
        ("18.00.00", "20.00.00"), ("P20", "G01"),
        bodies=("kultur", "born"), paths=(("kultur", "ou", "kb"),),
        action="godkend", weight=1.5,
    ),
    Topic(
        "sundhed",
        ("Udvidelse af samarbejdsaftalen om den gode indlæggelse og udskrivelse til det psykiatriske område",
         "Sundhedsaftale {year}-{year3}", "10-års planen for psykiatri", "Rusmiddelbehandling - status {year}",
         "Lettilgængelig behandling af børn og unge med psykisk mistrivsel"),
        ("85.02.00", "29.00.00", "27.00.00"), ("A00", "G01"),
        bodies=("sund", "soc", "psykiatriraad"), paths=(("psykiatriraad", "soc", "ou", "kb"), ("sund", "ou", "kb"), ("soc", "ou", "kb")),
        action="godkend", laws=("sundhedslovens § 119", "sundhedsloven § 205"), weight=1.5,
    ),
    Topic(
        "kb_sager",
        ("Valg af medlem til {raad}", "Udpegning af medlemmer til {raad}", "Ændring af styrelsesvedtægt",
         "Mødeplan for {next_year}", "Spørgsmål fra medlemmer af {udvalg}", "Anmodning om udtræden af {raad}",
         "Forslag fra {party} om {initiativ}"),
        ("00.01.00", "00.01.10"), ("G01", "A00"),
        bodies=("kb", "ou"), action="godkend", laws=("styrelseslovens § 11", "styrelseslovens § 23"), weight=1.5,
    ),
)

INITIATIVES = (
    "IPS-indsatsen", "veterankoordinatorfunktionen", "Sindets Dag", "CTI-indsatsen", "Housing First",
    "sammenhængende borgerforløb", "den sociale indgang", "frivillighedsstrategien", "rehabiliteringsforløb",
    "Bolighjemløse-reformen", "recovery-orienteret rehabilitering", "pårørendesamarbejdet",
    "nærledelse på botilbuddene", "øget kvalitet på bosteder", "mental sundhed blandt unge",
    "tidlig forebyggende indsats", "udsattestrategien", "kunstig intelligens i Socialafdelingen",
    "sygefraværsindsatsen", "velfærdsteknologi", "forebyggelse af udeblivelser i psykiatrien",
    "den fælleskommunale indsats mod spiseforstyrrelser", "Housing First-tilgangen", "akutfunktionen",
    "beskæftigelsesreformen", "ungeindsatsen", "det specialiserede voksenområde", "træningsområdet",
)
AREAS = (
    "Social og Arbejdsmarked", "Voksne med handicap", "Socialpsykiatri", "Ældreområdet", "Sundhed",
    "Børn og unge", "Skoleområdet", "Beskæftigelse", "Kultur og fritid", "Teknik og miljø",
    "det specialiserede socialområde",
)
AREAS_BY_KIND = {
    "soc": ("Social og Arbejdsmarked", "Voksne med handicap", "Socialpsykiatri", "det specialiserede socialområde"),
    "besk": ("Beskæftigelse", "Social og Arbejdsmarked", "Integration"),
    "sund": ("Ældreområdet", "Sundhed", "Hjemmeplejen"),
    "born": ("Børn og unge", "Skoleområdet", "Dagtilbud"),
    "kultur": ("Kultur og fritid", "Idræt og foreninger"),
    "teknik": ("Teknik og miljø", "Veje og trafik", "Ejendomme"),
}
PLANS = (
    "Sundhedspolitik", "Handicappolitik", "Boligsocial strategi", "Udkast til Ældrepolitik",
    "Kvalitetsstandard for hjemmehjælp", "Trafikplan", "Plan for tilgængelighed", "Frivillighedspolitik",
    "Rammeaftale for det specialiserede socialområde", "Budgetforslag", "Psykiatriplan",
    "Kvalitetsstandarder på voksenområdet", "Værdighedspolitik", "Demensstrategi",
)
PLACES = (
    "boligområde ved Stationsvej", "erhvervsområde Nord", "Bymidten", "Kirkebakken", "Engparken",
    "Vestervang", "Søndermarken", "Havnefronten", "Rådhusgrunden", "Skovlyst",
)
CLOSED_TITLES = (
    "Lukkede meddelelser", "Personalesag", "Salg af ejendom", "Klagesag", "Orientering om enkeltsag",
    "Udbud af {service}", "Køb af grund", "Ansættelse af {leder}", "Erstatningssag", "Kontraktforhold",
)
SERVICES = ("hjælpemidler", "madservice", "rengøring", "kørsel", "vikarydelser", "IT-fagsystem")
LEADERS = ("centerchef", "direktør", "forstander", "skoleleder")
DECISION_REMARKS = (
    "{UDVALG} anerkender, at det er svært at rekruttere personale og fastholde medarbejdere.",
    "{UDVALG} ønsker en status på sagen på et kommende møde.",
    "{UDVALG} bakker op om indstillingen.",
    "{UDVALG} bemærker, at materialet har været meget omfattende.",
    "{UDVALG} ønsker, at borgerinddragelsen styrkes i det videre arbejde.",
    "{UDVALG} anbefaler, at administrationen allokerer flere ressourcer til området.",
    "{UDVALG} udtrykker tillid til, at de enkelte institutioner får reageret på udviklingspunkterne.",
    "{UDVALG} ønsker at blive orienteret om handleplanerne.",
)


# --- the corpus model ------------------------------------------------------------

PROSE_HEADINGS = frozenset({
    "sagsfremstilling", "sammendrag", "baggrund", "resumé", "den videre proces", "det videre forløb",
    "yderligere deltagelse", "yderligere deltagelse på mødet", "yderligere deltagelse under punktet",
    "yderligere deltagelse under behandling af punktet", "økonomiske konsekvenser og finansiering",
    "budgetmæssige konsekvenser", "den videre proces", "høring",
})
OTHER_HEADINGS = frozenset({
    "indhold", "bilag", "beslutningen træffes af", "indstilling", "beslutning", "tidligere behandling",
    "behandlingsforløb", "tidligere udvalgsbeslutninger", "indholdsfortegnelse",
})
SKIP_BLOCK = re.compile(
    r"^(?:REFERAT|DAGSORDEN|Mødedato|Mødested|Mødedeltagere|Indholdsfortegnelse|Afbud|For stemte|Imod stemte"
    r"|Undlod|ANBEFALES|Dato:|Tlf|Fax|E-mail|Kontakt|Sagsid|Sagen er til)"
)
ITEM_LINE = re.compile(r"^Punkt\s+\d+:")
CASE_LINE = re.compile(r"^\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅ]\d{2}-\d+-\d{2}$")
COUNCIL_LINE = re.compile(r"^(?:REFERAT|DAGSORDEN)\s+(?P<council>.+?)\s+d\.\s+\d\d-\d\d-(?P<year>\d{4})$")
FILE_YEAR = re.compile(r"(\d{4})-\d\d-\d\d")
SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÆØÅ0-9\"”'(])")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
ABBREVIATIONS = (
    "jf.", "bl.a.", "f.eks.", "fx.", "ca.", "stk.", "nr.", "dvs.", "evt.", "inkl.", "hhv.", "d.",
    "vedr.", "mio.", "m.fl.", "pga.", "iht.", "ift.", "el.", "Hr.", "mht.", "bl.", "pkt.", "tlf.",
)
# Cyrillic letters that slipped into an extraction ("Magleмосен"), transliterated.
HOMOGLYPHS = str.maketrans({"м": "m", "о": "o", "с": "s", "е": "e", "н": "n", "а": "a", "р": "r", "к": "k"})
SENTENCE_CLOSE = re.compile(r"[.!?:][”\"')]?$")
KB_NAMES = re.compile(r"\b(?:Kommunalbestyrelsen|Byrådet)(s?)\b")
OU_NAMES = re.compile(r"\b(?:Økonomiudvalget|Ækonomiudvalget|Økonomi- og Planudvalget)(s?)\b")
TOWN_NAMES = re.compile(r"\b(?:Ikast-\s?Brande|Ikast-Brade|Ballerup|Ikast)\b")
CENTER_NAMES = re.compile(
    r"\b(?:Center for Social og Arbejdsmarked|Center for Voksne og Sundhed|Center for Social og Sundhed"
    r"|Center for Omsorg og Sundhedsfremme)\b"
)
KNOWN_PEOPLE = (
    "Henriette Bækdahl Christensen", "Anne Lund Bækkegård", "Anne Bækkegård", "Martin Outzen", "Lone Fogholm",
    "Eva Borg", "Erik Frandsen", "Musa Kecec", "Lolan Ottesen", "Jette Hein", "Kate Svarrer",
    "Daniel Reimer Priess", "Maria Mankov", "Ulla Wernberg-Møller", "Birgitte Andersen", "Michael Nørager",
    "Dorthe Birkmose", "Carsten Hornstrup", "Manu Sareen", "Rico Rasmussen", "Steen Aabrink",
    "Dorte Stieper", "Mustafa Arslan", "Vivi Lauritsen", "Maria Assov", "Johan Müller", "Per Mortensen",
    "Miasser Hawwa", "André Amingsø",
)
STANDARD_TITLES = re.compile(
    r"^(?:Godkendelse af dagsorden|Meddelelser|Åbne meddelelser|Eventuel|Evaluering|Godkendelse af referat|Lukket)",
)


@dataclass(frozen=True)
class CorpusModel:
    """Statistics of the real corpus that the generator samples from."""

    transitions: dict[tuple[str, str], tuple[str, ...]]
    sentences: frozenset[str]
    bullets: tuple[str, ...]
    numbered: tuple[str, ...]
    remarks: tuple[str, ...]
    subheadings: tuple[str, ...]
    intros: tuple[str, ...]
    titles: tuple[str, ...]
    word_counts: dict[str, int]  # every word of the corpus files, headings included: what a document's words should follow
    digest: str
    gazetteers: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = field(default_factory=dict)

    def sentence_pool(self, rng: random.Random, size: int) -> list[str]:
        """`size` new sentences from the chain, none a verbatim corpus sentence."""
        table, random, known = self._table(), rng.random, self.sentences
        pool: list[str] = []
        attempts = 0
        while len(pool) < size and attempts < size * 20:
            attempts += 1
            state, words = 0, []
            while len(words) <= 60:
                options = table[state]
                word, state = options[int(random() * len(options))]
                if state < 0:
                    break
                words.append(word)
            if not 6 <= len(words) <= 42 or not SENTENCE_CLOSE.search(words[-1]):
                continue
            if len(set(zip(words, words[1:], words[2:]))) < len(words) - 2:  # the chain looped
                continue
            sentence = " ".join(words)
            if sentence not in known:
                pool.append(sentence)
        return pool

    def _table(self) -> list[tuple[tuple[str, int], ...]]:
        """The chain with each (previous, current) state numbered, so a step is
        one list index instead of building and hashing a tuple (state 0 is the
        start, -1 the end)."""
        cached = self.__dict__.get("_cached_table")
        if cached is not None:
            return cached
        states = {(START, START): 0}
        for key in self.transitions:
            states.setdefault(key, len(states))
        table: list[tuple[tuple[str, int], ...]] = [()] * len(states)
        for key, following in self.transitions.items():
            table[states[key]] = tuple((w, -1 if w == END else states[(key[1], w)]) for w in following)
        object.__setattr__(self, "_cached_table", table)
        return table


def words_of(text: str) -> list[str]:
    """Lower-case word tokens, as a search engine would count them."""
    return re.findall(r"[a-zæøåéü]+(?:-[a-zæøå]+)*", text.lower())


@lru_cache(maxsize=4)
def load_model(root: Path = CORPUS_DIR) -> CorpusModel:
    """Read every referat/dagsorden/notat under `root` and learn from it."""
    files = sorted(p for p in root.glob("*/*.txt") if p.is_file())
    if not files:
        raise FileNotFoundError(f"no corpus text under {root}; the generator learns its wording from it")
    digest = hashlib.sha256()
    gazetteers = {folder.name: _read_gazetteer(folder / GAZETTEER_FILE) for folder in sorted(root.iterdir()) if folder.is_dir()}
    institution_names = sorted(
        {alias for entries in gazetteers.values() for name, _, aliases in entries for alias in (name, *aliases)
         if alias.split()[0] not in _KIND_PREFIXES},
        key=len, reverse=True,
    )
    inst_pattern = re.compile(r"(?<![\wæøå])(" + "|".join(map(re.escape, institution_names)) + r")(s?)(?![\wæøå])")
    collected = _Collected()
    counts: Counter[str] = Counter()
    for path in files:
        text = read_document(path).text  # what the indexer reads, repaired as it repairs
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + text.encode() + b"\0")
        counts.update(words_of(text.translate(HOMOGLYPHS)))
        _collect(text, path, inst_pattern, collected)
    transitions: dict[tuple[str, str], list[str]] = {}
    for sentence in collected.sentences:
        previous, current = START, START
        for word in [*sentence.split(), END]:
            transitions.setdefault((previous, current), []).append(word)
            previous, current = current, word
    return CorpusModel(
        transitions={key: tuple(values) for key, values in transitions.items()},
        sentences=frozenset(collected.sentences),
        bullets=tuple(collected.bullets),
        numbered=tuple(collected.numbered),
        remarks=tuple(collected.remarks),
        subheadings=tuple(dict.fromkeys(collected.subheadings)),
        intros=tuple(dict.fromkeys(collected.intros)),
        titles=tuple(dict.fromkeys(collected.titles)),
        word_counts=dict(counts),
        digest=digest.hexdigest()[:16],
        gazetteers=gazetteers,
    )


_KIND_PREFIXES = frozenset({
    "Helhedstilbuddet", "Opgangsfællesskabet", "Bofællesskabet", "Botilbuddet", "Aflastningstilbuddet",
    "UCC", "Autismecenter", "afdeling", "Afdeling", "botilbuddet", "bof",
})


def _read_gazetteer(path: Path) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The gazetteer's rows as the indexer reads them (one file format, one reader)."""
    return tuple(load_gazetteer(path).rows)


@dataclass
class _Collected:
    sentences: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    numbered: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)
    intros: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


def _collect(text: str, path: Path, inst_pattern: re.Pattern[str], out: _Collected) -> None:
    """Sort one document's blocks into prose sentences, list lines, remarks and titles."""
    text = text.translate(HOMOGLYPHS).replace("{", "(").replace("}", ")")
    council, year = None, None
    for line in text.splitlines()[:8]:
        match = COUNCIL_LINE.match(line.strip())
        if match:
            council, year = match["council"], int(match["year"])
    if year is None:
        found = FILE_YEAR.search(path.name)
        year = int(found.group(1)) if found else 2020
    abstract = _abstractor(council, year, inst_pattern)
    heading = "sagsfremstilling" if council is None else None
    in_toc = False
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.splitlines() if line.strip() and line.strip() not in {"?", "Å"}]
        if not lines:
            continue
        first = lines[0]
        if first == "Indholdsfortegnelse":
            in_toc = True
            continue
        if in_toc and "\t" in first:
            continue
        in_toc = False
        key = first.rstrip(":").casefold()
        if ITEM_LINE.match(first):
            heading = "sagsfremstilling"
            title = first.split(":", 1)[1].strip()
            if not STANDARD_TITLES.match(title):
                out.titles.append(abstract(title))
            continue
        if len(lines) == 1 and (key in PROSE_HEADINGS or key in OTHER_HEADINGS):
            heading = key
            continue
        if SKIP_BLOCK.match(first) or CASE_LINE.match(first) or "deltog ikke" in block:
            continue
        if heading == "beslutning":
            out.remarks.extend(abstract(m) for line in lines if (m := _numbered_text(line)) and len(m) > 30)
            continue
        if heading not in PROSE_HEADINGS:
            continue
        _collect_prose(lines, abstract, out)


def _numbered_text(line: str) -> str | None:
    match = re.match(r"^\d+\.\s+(.+)$", line)
    return match.group(1).strip() if match else None


def _collect_prose(lines: list[str], abstract, out: _Collected) -> None:
    if any("\t" in line or "<http" in line or "](#)" in line or line.startswith("---") for line in lines):
        return
    if len(lines) == 1 and len(lines[0]) < 70 and not re.search(r"[.!?]$", lines[0]):
        line = abstract(lines[0])
        if line.endswith(":") and not re.search(r"\d", line.split(":")[-2][-4:]):
            out.intros.append(line)
        elif not re.search(r"[\d:Å]", re.sub(r"\{\w+\}", "", line)) and not line.startswith(("Ingen", "-")):
            out.subheadings.append(line)
        return
    prose: list[str] = []
    for line in lines:
        bullet = re.match(r"^[-•]\s+(.+)$", line)
        numbered = _numbered_text(line)
        if bullet and 8 < len(bullet.group(1)) < 200:
            out.bullets.append(abstract(bullet.group(1)))
        elif numbered and 8 < len(numbered) < 240:
            out.numbered.append(abstract(numbered))
        elif not bullet and not numbered:
            prose.append(line)
    for sentence in _sentences(" ".join(prose)):
        sentence = abstract(sentence)
        # A sentence starting lower-case is the tail of one cut by a page break.
        if len(sentence.split()) >= 5 and SENTENCE_CLOSE.search(sentence) and not sentence[0].islower():
            (out.intros if sentence.endswith(":") else out.sentences).append(sentence)


def _sentences(text: str) -> list[str]:
    """Split prose into sentences without breaking after "jf.", "bl.a." and friends."""
    text = re.sub(r"\.\?+", ".", text).replace("Å§", "§")
    text = re.sub(r"(?<=[.?])Å(?=\s|$)", "", text)
    pieces = SENTENCE_END.split(text)
    merged: list[str] = []
    for piece in pieces:
        if merged and (merged[-1].endswith(ABBREVIATIONS) or (merged[-1].endswith("kr.") and piece[:1].isdigit())):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return [s.strip() for s in merged if s.strip()]


def _abstractor(council: str | None, year: int, inst_pattern: re.Pattern[str]):
    """A function that replaces a sentence's local names by placeholders."""
    own = None
    if council:
        words = re.findall(r"[\wæøåÆØÅ]+", council)
        loose = [re.escape(w.rstrip("s")) + "s?" for w in words[:-1]] + [re.escape(words[-1])]
        own = re.compile(r"\b" + r"[-,\s]+".join(loose) + r"(s?)\b")
    people = re.compile(r"\b(?:" + "|".join(map(re.escape, KNOWN_PEOPLE)) + r")\b")

    def year_placeholder(match: re.Match[str]) -> str:
        offset = int(match.group(0)) - year
        if offset < -9 or offset > 5:
            return match.group(0)
        return "{Y0}" if offset == 0 else f"{{Ym{-offset}}}" if offset < 0 else f"{{Yp{offset}}}"

    def abstract(sentence: str) -> str:
        seen: list[str] = []

        def inst(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in seen:
                seen.append(name)
            slot = "{INST}" if seen.index(name) == 0 else "{INST2}"
            return slot + match.group(2)

        named: list[str] = []

        def person(match: re.Match[str]) -> str:
            if match.group(0) not in named:
                named.append(match.group(0))
            slot = min(named.index(match.group(0)), 3)
            return "{PERSON}" if slot == 0 else f"{{PERSON{slot + 1}}}"

        sentence = inst_pattern.sub(inst, sentence)
        sentence = people.sub(person, sentence)
        sentence = CENTER_NAMES.sub("{CENTER}", sentence)
        if own is not None:
            sentence = own.sub(lambda m: "{UDVALGS}" if m.group(1) else "{UDVALG}", sentence)
        sentence = KB_NAMES.sub(lambda m: "{KBS}" if m.group(1) else "{KB}", sentence)
        sentence = OU_NAMES.sub(lambda m: "{OUS}" if m.group(1) else "{OU}", sentence)
        sentence = TOWN_NAMES.sub("{BY}", sentence)
        return YEAR.sub(year_placeholder, sentence)

    return abstract


PLACEHOLDER_KEYS = (
    "BY", "KB", "KBS", "OU", "OUS", "UDVALG", "UDVALGS", "INST", "INST2", "PERSON", "PERSON2", "PERSON3", "PERSON4", "CENTER",
)


def year_keys(year: int) -> dict[str, str]:
    """The year placeholders of a meeting held in `year`."""
    keys = {"Y0": str(year)}
    for offset in range(1, 10):
        keys[f"Ym{offset}"] = str(year - offset)
    for offset in range(1, 6):
        keys[f"Yp{offset}"] = str(year + offset)
    return keys
