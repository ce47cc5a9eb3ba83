"""Field extractors: small pure functions from Danish minute wording to values.

The structure parser finds *where* things are (headings, sections); these
functions read *what* they say. Each is tolerant: wording varies between
municipalities and years, so a miss returns None or an empty list, never raises.
"""

from __future__ import annotations

import re
from datetime import date

from .danish.identifiers import (  # noqa: F401 - the parser reads case numbers as extract.*; declared once there
    CASE_LABEL, KLE_CASE, OTHER_CASE, TYPED_CASE, case_key, find_case_number, kle_of,
)
from .records import Participant, PathStep, Treatment, Votes

MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

# "22. april 2021", "18. februar" (year from context), "4. jan. 2025"
TEXT_DATE = re.compile(
    rf"\b(?P<day>\d{{1,2}})\.?\s*(?P<month>{_MONTH_ALT})\.?(?:\s+(?P<year>(?:19|20)\d\d))?\b",
    re.IGNORECASE,
)
# "22-04-2021", "04.12.2012", "2021-04-22", "22/4 2021"
NUMERIC_DATE = re.compile(
    r"\b(?:(?P<y1>(?:19|20)\d\d)-(?P<m1>\d\d)-(?P<d1>\d\d)"
    r"|(?P<d2>\d{1,2})[.\-/](?P<m2>\d{1,2})[.\-/ ]\s?(?P<y2>(?:19|20)\d\d))\b"
)
ANY_DATE = re.compile(f"(?:{TEXT_DATE.pattern})|(?:{NUMERIC_DATE.pattern})", re.IGNORECASE)
TIME = re.compile(r"\bkl\.?\s*(?P<h>\d{1,2})[.:](?P<m>\d\d)\b", re.I)

COUNCIL_WORD = re.compile(
    r"\b(?:[A-ZÆØÅ][\wæøåÆØÅ]*(?:-,?\s(?:[A-ZÆØÅ][\wæøå]*-,?\s)*og\s[A-ZÆØÅa-zæøå][\wæøå]*)?"
    r"(?:udvalget|udvalg|rådet|råd|bestyrelsen|bestyrelse|forum|Forum)|Byrådet|Kommunalbestyrelsen"
    r"|Borgerrepræsentationen|Regionsrådet)\b"
)


def make_date(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str, context: str | None = None) -> str | None:
    """First date in `text` as ISO. A date without a year takes the year from
    `context` (the meeting date), stepping back a year if it would otherwise
    lie after the meeting ("18. februar" in an April 2021 meeting → 2021)."""
    match = ANY_DATE.search(text)
    if not match:
        return None
    return _date_from_match(match, context)


def _date_from_match(match: re.Match[str], context: str | None) -> str | None:
    groups = match.groupdict()
    if groups.get("y1"):
        return make_date(int(groups["y1"]), int(groups["m1"]), int(groups["d1"]))
    if groups.get("y2"):
        return make_date(int(groups["y2"]), int(groups["m2"]), int(groups["d2"]))
    month = MONTHS.get((groups.get("month") or "").lower())
    if not month:
        return None
    day = int(groups["day"])
    if groups.get("year"):
        return make_date(int(groups["year"]), month, day)
    if not context:
        return None
    ctx_year = int(context[:4])
    iso = make_date(ctx_year, month, day)
    if iso and iso > context:
        iso = make_date(ctx_year - 1, month, day)
    return iso


def parse_time(text: str) -> str | None:
    match = TIME.search(text)
    if not match:
        return None
    hour, minute = int(match["h"]), int(match["m"])
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


CLOCK = re.compile(r"(?<![\d.:])(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?::[0-5]\d)?(?![\d.:])")


def parse_clock(text: str) -> str | None:
    """A bare wall-clock time as labelled header fields write it ("03-11-2015 16:30:00"),
    read after the date is taken out so "29.01" of a date is never a time."""
    match = CLOCK.search(ANY_DATE.sub(" ", text))
    return f"{int(match['h']):02d}:{match['m']}" if match else None


_VOWELS = "aeiouyæøå"


def restore_danish_letters(text: str) -> str:
    """ "byraadet" → "byrådet", "skole boerne og ungeudvalget" → "skole børne og ungeudvalget":
    the letters that file names spell out. "oe"/"ae" only between consonants
    (or at a word start), so "socioekonomisk" keeps its "oe"."""
    text = text.replace("aa", "å").replace("Aa", "Å")

    def swap(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if before.lower() in _VOWELS or after.lower() in _VOWELS:
            return match.group()
        return {"oe": "ø", "ae": "æ", "Oe": "Ø", "Ae": "Æ"}[match.group()]

    return re.sub(r"[OoAa]e", swap, text)


_DEFINITE = re.compile(r"(udvalg|råd|bestyrelse|forum|nævn|magistrat|repræsentation)(?:et|en|ets|ens|s)?\b")


def council_key(name: str | None) -> str:
    """One key for the ways a body is written: "Byrådet", "Byråd", "byraadet",
    "Byråd 2022-2025" and "Klima-, Teknik- og Miljøudvalget" vs "… udvalg"."""
    if not name:
        return ""
    key = name.casefold().replace("aa", "å").replace("ae", "æ").replace("oe", "ø")
    key = re.sub(r"\b(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\b", " ", key)
    key = _DEFINITE.sub(r"\1", key)
    return re.sub(r"[^a-zæøå0-9]+", "", key)


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside parentheses: "A (x, y), B" → ["A (x, y)", "B"]."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


PAREN = re.compile(r"\(([^()]*)\)")
ABSENT_MARK = re.compile(r"^(?:afbud|fraværende|forfald|syg)$", re.IGNORECASE)


def parse_participant(raw: str) -> Participant | None:
    groups = [g.strip() for g in PAREN.findall(raw)]
    name = PAREN.sub("", raw).strip(" .;:")
    name = re.sub(r"\s+", " ", name)
    if not name or len(name) > 80:
        return None
    absent = any(ABSENT_MARK.match(g) for g in groups)
    groups = [g for g in groups if not ABSENT_MARK.match(g)]
    return Participant(
        name=name,
        affiliation=groups[0] if groups else None,
        absent=absent,
        role=", ".join(groups[1:]) or None,
    )


def parse_participants(text: str) -> list[Participant]:
    people = (parse_participant(part) for part in split_top_level(text))
    return [p for p in people if p]


def names_of(text: str) -> list[str]:
    """Names from a list such as "Dorte Dahl (centerchef …), Stine Hollendsted (…)", roles dropped."""
    return [without_role(p.name) for p in parse_participants(text)]


# --- votes -----------------------------------------------------------------

VOTE_LINE = re.compile(
    r"^(?P<label>For\s+stemte|Imod\s+stemte|Undlod\s+at\s+stemme|Undlod\s+af\s+stemme|Undlod|Hverken\s+for\s+eller\s+imod)"
    r"\s*[:.]?\s*(?P<count>\d+)?\s*[,.:]?\s*(?P<names>.*)$",
    re.IGNORECASE,
)
NAME_WITH_PARTY = re.compile(r"([A-ZÆØÅ][^,():]*?)\s*\(([^()]{1,40})\)")
# "(Ø) og (F) stemte imod indstillingen.", "Liselott Blixt (UP) stemte for",
# "(F) undlod at stemme.", "(C) undlod at tage stilling til sagen."
VOTED = re.compile(
    r"^(?P<names>(?:\([^()]{1,20}\)|[A-ZÆØÅ])[^.;:]{0,200}?)\s+(?:stemte\s+(?P<dir>imod|for)\b|(?P<abstain>undlod\s+at\s+(?:stemme|tage\s+stilling)))",
)
# "Med stemmerne 11 for og 8 imod …", "med 19 stemmer for og 1 imod, 2 undlod"
VOTE_COUNTS = re.compile(
    r"\bmed\s+(?:stemmerne\s+|stemmer\s+)?(?P<for>\d{1,3})\s+(?:stemmer\s+)?for\s*(?:,|og)\s*(?P<against>\d{1,3})\s+imod"
    r"(?:\s*(?:,|og)\s*(?P<abstained>\d{1,3})\s+(?:undlod|hverken))?",
    re.I,
)


VOTE_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ(])")


def _vote_names(text: str) -> list[str]:
    """Names and parties as written: "(V), (A) og Liselott Blixt (UP)" → "(V)", "(A)",
    "Liselott Blixt (UP)"; tolerant of missing commas between "Name (A) Name (B)"."""
    names: list[str] = []
    for part in split_top_level(text.strip().rstrip(".")):
        for piece in re.split(r"\s+og\s+", part):
            piece = piece.strip(" .")
            if not piece:
                continue
            several = [f"{n.strip()} ({p.strip()})" for n, p in NAME_WITH_PARTY.findall(piece)]
            names.extend(several if len(several) > 1 else [piece])
    return names


def _valid_voters(names: list[str]) -> bool:
    return bool(names) and all(len(n) <= 60 and (n.startswith("(") or n[:1].isupper()) for n in names)


def parse_votes(text: str) -> Votes | None:
    """Votes as minutes write them: "For stemte: 3, A (A) og B (V)", "Imod stemte (Ø) og (F).",
    "(Ø) og (F) stemte imod indstillingen.", "(F) undlod at stemme.",
    "Med stemmerne 11 for og 8 imod …"."""
    votes = Votes()
    for line in text.splitlines():
        line = line.strip()
        match = VOTE_LINE.match(line)
        if match:
            label = match["label"].lower()
            key = "for" if label.startswith("for") else "against" if label.startswith("imod") else "abstained"
            names = _vote_names(match["names"])
            getattr(votes, "for_" if key == "for" else key).extend(names)
            votes.counts[key] = int(match["count"]) if match["count"] else len(names)
            continue
        for sentence in VOTE_SENTENCE.split(line):
            voted = VOTED.match(sentence.strip())
            names = _vote_names(voted["names"]) if voted else []
            if voted and _valid_voters(names):
                key = "abstained" if voted["abstain"] else "for" if voted["dir"] == "for" else "against"
                target = votes.for_ if key == "for" else getattr(votes, key)
                target.extend(n for n in names if n not in target)
                votes.counts[key] = len(target)
        counted = VOTE_COUNTS.search(line)
        if counted:
            votes.counts["for"] = int(counted["for"])
            votes.counts["against"] = int(counted["against"])
            if counted["abstained"]:
                votes.counts["abstained"] = int(counted["abstained"])
    return votes if votes.counts else None


# --- decisions -------------------------------------------------------------

DECISION_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("udsat", re.compile(r"\budsat(?:te|tes)?\b|\budsættes\b|\bsendes\s+(?:tilbage|retur)\b|\bsendt\s+(?:tilbage|retur)\b"
                         r"|\bgenoptages\b|\bønsker\s+sagen\s+genoptaget\b", re.I)),
    ("afvist", re.compile(r"\bafvist|\bafvises\b|\bikke\s+godkendt|\bforkastet|\bikke\s+vedtaget"
                          r"|\bkan\s+ikke\s+(?:godkende|anbefale|tiltræde|følge)\b", re.I)),
    ("oversendt", re.compile(r"\boversend(?:t|es)\b|\bsendes\s+videre\b", re.I)),
    ("taget til efterretning", re.compile(
        r"\btaget\s+til\s+efterretning|\btages\s+til\s+efterretning|\bte\s+til\s+efterretning"
        r"|\btil\s+efter\w{0,6}retning\b|\bblev\s+orienteret\b|\borienterede\b", re.I)),
    ("anbefales", re.compile(r"\banbefal(?:es|et|ede|er)\b|\bkan\s+anbefale|\bindstilles\s+til\s+(?:godkendelse|vedtagelse)", re.I)),
    ("godkendt", re.compile(r"\bgodkend(?:t|te|es)\b|\bvedtaget\b|\bbevilget\b|\btiltrådt\b|\btiltrædes\b", re.I)),
    ("ingen bemærkninger", re.compile(r"\bingen\s+bemærkninger\b", re.I)),
    ("drøftet", re.compile(r"\bdrøftet\b|\bdrøftede\b|\bdrøftes\b", re.I)),
    ("bemærkninger", re.compile(r"\bbemærk(?:er|ede|ninger)\b|\bhøringssvar\b", re.I)),
]


def classify_decision(text: str | None) -> str | None:
    """The normalised kind of a decision: the kind whose wording comes first
    ("Taget til efterretning med følgende bemærkninger" is taget til efterretning;
    "Indstillingen blev dermed godkendt" after a vote is godkendt)."""
    if not text:
        return None
    best: tuple[int, str] | None = None
    for kind, pattern in DECISION_KINDS:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), kind)
    return best[1] if best else "andet"


# --- absences --------------------------------------------------------------

AFBUD_LINE = re.compile(
    r"^(?:Afbud|Fraværende|Forfald|Fravær|Ikke\s+til\s+stede|Ikke\s+tilstede|Deltog\s+ikke)\s*(?:fra)?\s*[:.]?\s+(?P<names>.+)$",
    re.I | re.S,
)
FOLLOWING_ABSENT = re.compile(r"^Følgende\s+deltog\s+ikke\s+i\s+(?:behandlingen\s+af\s+punktet|sagens\s+behandling)\s*:?\s*(?P<names>.*)$", re.I | re.S)
NOT_PARTICIPATING = re.compile(
    r"(?P<names>[A-ZÆØÅ][\w .,()-æøåÆØÅ]*?)\s+deltog\s+ikke\s+i\s+(?:sagens|punktets)\s+behandling",
    re.S,
)
# "Martin Bech og Bettina Bøcker Kjeldsen var fraværende.", "X havde meldt afbud",
# "Der er afbud fra X, Y og Z.", "X deltog ikke i mødet."
NAMES_THEN_ABSENT = re.compile(
    r"^(?:Der\s+(?:er|var)\s+)(?:meldt\s+)?afbud\s+fra\s+(?P<names4>[A-ZÆØÅ][^:;]{1,300}?)(?:\s+pga\.?.*)?\.?$"
    r"|^(?P<names>[A-ZÆØÅ][^:;]{1,300}?)\s+(?:var|er)\s+(?:fraværende|ikke\s+til\s+stede|fraværende\s+med\s+afbud)"
    r"|^(?P<names2>[A-ZÆØÅ][^:;]{1,300}?)\s+(?:havde\s+)?(?:meldt\s+)?afbud\b"
    r"|^(?P<names3>[A-ZÆØÅ][^:;]{1,300}?)\s+deltog\s+ikke(?:\s+i\s+mødet|\s+i\s+behandlingen(?:\s+af\s+(?:punktet|sagen))?|\s+under\s+(?:punktet|behandlingen))?\s*[.]?$"
    r"|^(?:[Mm]eldt\s+)?[Aa]fbud\s+fra\s+(?P<names5>[A-ZÆØÅ][^:;]{1,300}?)(?:\s+pga\.?.*)?\.?$",
)
# Every absence wording holds one of these; the patterns run only where one does.
ABSENCE_HINT = re.compile(r"afbud|fravær|forfald|deltog|til\s*stede", re.I)
_NAME = re.compile(r"^[A-ZÆØÅ][\w'.-]*(?:\s+(?:[A-ZÆØÅ][\w'.-]*|af|von|van|de|la|du))*\.?$")


# Roles written before a name ("Rådmand Nicolaj Bang", "Visitationschef Ellen Lykke"):
# a person is found by name, so the role is dropped from the name.
ROLE_WORDS = frozenset({
    "rådmand", "borgmester", "viceborgmester", "formand", "næstformand", "direktør", "kommunaldirektør",
    "centerchef", "centerleder", "chef", "konsulent", "visitationschef", "jurist", "sekretær", "medlem",
    "byrådsmedlem", "udvalgsmedlem", "afdelingschef", "leder", "koordinator", "stedfortræder",
})


def without_role(name: str) -> str:
    words = name.split()
    if len(words) >= 3 and words[0].casefold() in ROLE_WORDS:
        return " ".join(words[1:])
    return name


# "Karstens Frederiksen deltog under pkt. 1-2 og delvis under pkt. 3.", "X deltog fra pkt. 4"
PARTIAL_ATTENDANCE = re.compile(
    r"^(?P<name>[A-ZÆØÅ][\w'.-]*(?:\s+[A-ZÆØÅ][\w'.-]*){1,4})\s+(?:\([^()]{1,20}\)\s+)?deltog\s+(?:kun\s+)?"
    r"(?P<how>under|i|fra)\s+(?:behandlingen\s+af\s+)?(?:pkt|punkt(?:erne)?)\.?\s*(?P<ranges>\d[\d\s,–-]*(?:\s+og\s+\d+)?)"
    r"(?:\s+og\s+delvis\s+(?:under|i)\s+(?:pkt|punkt)\.?\s*(?P<partly>\d[\d\s,–-]*))?\s*\.?$"
)


def _numbers(ranges: str) -> set[int]:
    found: set[int] = set()
    for part in re.split(r"\s*(?:,|\bog\b)\s*", ranges.strip()):
        span = re.match(r"^(\d{1,4})\s*(?:[-–]\s*(\d{1,4}))?$", part.strip())
        if span:
            low, high = int(span.group(1)), int(span.group(2) or span.group(1))
            found.update(range(low, min(high, low + 500) + 1))
    return found


def parse_partial_attendance(line: str) -> tuple[str, set[int] | None, int | None] | None:
    """(name, the items attended, or the first item attended from) of a partial-attendance note."""
    match = PARTIAL_ATTENDANCE.match(re.sub(r"\s+", " ", line).strip())
    if not match:
        return None
    present = _numbers(match["ranges"]) | (_numbers(match["partly"]) if match["partly"] else set())
    if not present:
        return None
    if match["how"] == "fra":
        return match["name"], None, min(present)
    return match["name"], present, None


def absence_names(text: str) -> list[str]:
    """The names of a bare list ("Martin Bech, Bettina Bøcker Kjeldsen og Niels
    Vestergaard Salling."), each one to five capitalised words with an optional
    "(party)"; [] when any part is not a name, so prose never becomes names."""
    flat = re.sub(r"\s+", " ", text).strip().rstrip(".")
    parts = [p for part in split_top_level(flat) for p in re.split(r"\s+og\s+", part)]
    names: list[str] = []
    for part in parts:
        person = parse_participant(part)
        if person is None or not _NAME.match(person.name) or not 2 <= len(person.name.split()) <= 5:
            return []  # a person is named with at least a first and a last name
        names.append(without_role(person.name))
    return names


def parse_absence(paragraph: str) -> list[str] | None:
    """Names from "Afbud X (…), Y (…)", "Ikke til stede: X", "X og Y var fraværende",
    "Der er afbud fra X" or "X deltog ikke i sagens behandling"; None when the
    paragraph is not an absence note."""
    if not ABSENCE_HINT.search(paragraph):
        return None
    flat = re.sub(r"\s+", " ", paragraph).strip()
    following = FOLLOWING_ABSENT.match(flat)
    if following:
        return names_of(following["names"]) if following["names"] else []
    match = AFBUD_LINE.match(flat)
    if match:
        return names_of(match["names"])
    match = NOT_PARTICIPATING.search(flat)
    if match:
        raw = re.split(r"\s+og\s+", match["names"])
        return [n for part in raw for n in names_of(part)]
    match = NAMES_THEN_ABSENT.match(flat) if "\n" not in paragraph.strip() else None
    if match:
        names = absence_names(next(filter(None, (match[g] for g in ("names4", "names", "names2", "names3", "names5")))))
        return names or None
    return None


def body_list(text: str) -> list[str]:
    """The bodies of a "Sagsprocedure": "Klima-, Teknik- og Miljøudvalget, Økonomiudvalget
    og Byrådet." → three bodies; a hyphen before "," or "og" continues a name."""
    flat = re.sub(r"\s+", " ", text).strip().rstrip(".")
    pieces = re.split(r"(,\s*|\s+og\s+)", flat)
    bodies: list[str] = []
    current = ""
    for index in range(0, len(pieces), 2):
        piece = pieces[index]
        separator = pieces[index - 1] if index else ""
        if current and current.rstrip().endswith("-"):
            current += separator + piece
        else:
            if current:
                bodies.append(current.strip())
            current = piece
    if current:
        bodies.append(current.strip())
    return [b for b in bodies if b and len(b) <= 90 and b[:1].isupper()]


# --- treatments --------------------------------------------------------------

ITEM_REF = re.compile(r"(?:punkt|pkt\.?|sag)\s*(?:nr\.?\s*)?(?P<item>\d+)", re.I)
TREATMENT_LINE = re.compile(
    rf"^(?P<council>.+?)\s*(?:,|\bden\b|\bd\.|\bmøde\b)\s*(?P<rest>(?:\d{{1,2}}\.?\s*(?:{_MONTH_ALT})|\d{{1,2}}[.\-/]\d{{1,2}}[.\-/]|(?:19|20)\d\d-\d\d-\d\d).*)$",
    re.I,
)
PATH_LINE = re.compile(
    rf"^(?P<council>.+?)\s+(?P<date>(?:den\s+)?\d{{1,2}}\.?\s*(?:{_MONTH_ALT})\.?\s+(?:19|20)\d\d|\d{{1,2}}[.\-/]\d{{1,2}}[.\-/](?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d)\b",
    re.I,
)


def parse_treatment_line(line: str, context: str | None, source: str) -> Treatment | None:
    """ "Psykiatrirådet den 18. februar Punkt 5" → Treatment(Psykiatrirådet, 2021-02-18, 5)."""
    line = re.sub(r"\s+", " ", line).strip(" .-•")
    match = TREATMENT_LINE.match(line)
    if not match:
        return None
    council = match["council"].strip(" ,:-")
    when = parse_date(match["rest"], context)
    if not council or not when or len(council) > 90:
        return None
    item = ITEM_REF.search(match["rest"])
    return Treatment(council=council, date=when, item=int(item["item"]) if item else None, source=source, note=line)


LABELLED = re.compile(r"^(?P<label>Udvalg|Dato|Punktnummer|Punkt nr\.?|Mødedato)\s*:\s*(?P<value>.*)$", re.I)
# "17-01-2022 Klima-, Teknik- og Miljøudvalget", "11/08/2025 Sundheds- og Omsorgsudvalget Godkendt."
DATED_BODY = re.compile(
    r"^(?P<date>\d{1,2}[.\-/]\d{1,2}[.\-/](?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d)\s+(?P<rest>[A-ZÆØÅ].*)$"
)
_TRAILING_PERIOD = re.compile(r"\s+(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?$")
NOT_RELEASED = re.compile(r"^beslutning\s+(?:er\s+)?ikke\s+frigivet\.?$", re.I)


def _dated_body(line: str, context: str | None) -> tuple[str, str, str] | None:
    """(date, body, text after the body) of a Sagens forløb entry heading; the
    body ends at its council word ("…udvalget", "Byråd 2022"), the rest is its decision."""
    match = DATED_BODY.match(line)
    if not match:
        return None
    when = parse_date(match["date"], context)
    council = COUNCIL_WORD.search(match["rest"])
    if not when or not council or council.start() > 60:
        return None
    body = match["rest"][: council.end()]
    rest = match["rest"][council.end():]
    period = re.match(r"\s+(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?(?=\s|$)", rest)
    if period:
        rest = rest[period.end():]
    return when, body.strip(), rest.strip(" .:-–") and rest.strip()


# A dated entry run on after the previous entry's last line ("Afbud: Heidi Serny
# Jacobsen 16-08-2022 Skole-, Børne- og Ungeudvalget") when a page put no break
# between them; a date after "den", "fra", "til" … is part of a sentence.
_RUN_ON_ENTRY = re.compile(
    r"(?<!\bden)(?<!\bd\.)(?<!\bfra)(?<!\btil)(?<!\baf)(?<!\bi)(?<!\bpr\.)(?<!\bmed)\s+"
    r"(?=\d{1,2}[.\-/]\d{1,2}[.\-/](?:19|20)\d\d\s+[A-ZÆØÅ])"
)


def _split_dated_entries(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        parts = _RUN_ON_ENTRY.split(line)
        if len(parts) > 1 and all(_dated_body(part.strip(), None) for part in parts[1:]):
            out.extend(parts)
        else:
            out.append(line)
    return out


def _decision_of(notes: list[str]) -> str | None:
    kept = [n for n in notes if n and not NOT_RELEASED.match(n) and parse_absence(n) is None]
    return "\n".join(kept) or None


def parse_treatment_lines(lines: list[str], context: str | None, source: str) -> list[Treatment]:
    """Treatments listed one per line ("Socialudvalget den 7. maj 2024 punkt 4"),
    as labelled groups ("Udvalg: Magistraten" / "Dato: 02-09-2025" /
    "Punktnummer: 3", followed by that body's decision text) or as dated
    groups ("17-01-2022 Klima-, Teknik- og Miljøudvalget" followed by its
    decision, FirstAgenda's "Sagens forløb"). Notes are kept whole."""
    found: list[Treatment] = []
    current: Treatment | None = None
    notes: list[str] = []

    def close() -> None:
        if current is not None:
            current.note = " ".join(notes) or None
            if current.decision is None and notes:
                current.decision = _decision_of(notes)
                current.decision_kind = classify_decision(current.decision) if current.decision else None
            found.append(current)

    for raw in _split_dated_entries(lines):
        line = raw.strip()
        dated = _dated_body(line, context)
        if dated:
            close()
            when, body, rest = dated
            current, notes = Treatment(council=body, date=when, item=None, source=source), []
            if rest:
                notes.append(rest)
            continue
        labelled = LABELLED.match(line)
        if labelled:
            label, value = labelled["label"].lower(), labelled["value"].strip()
            if label == "udvalg":
                close()
                current, notes = Treatment(council=value, date=None, item=None, source=source), []
            elif current is not None and label in ("dato", "mødedato"):
                current.date = parse_date(value, context)
            elif current is not None and value[:1].isdigit():
                current.item = int(re.match(r"\d+", value).group())
            continue
        if current is not None:
            notes.append(line)
            continue
        treatment = parse_treatment_line(line, context, source)
        if treatment:
            found.append(treatment)
    close()
    return [t for t in found if t.council]


def parse_path_line(line: str, context: str | None) -> PathStep | None:
    """ "Handicaprådet 4. april 2024" → PathStep(Handicaprådet, 2024-04-04)."""
    line = re.sub(r"\s+", " ", line).strip(" .-•")
    match = PATH_LINE.match(line)
    if not match:
        return None
    council = match["council"].strip(" ,:-")
    return PathStep(council=council, date=parse_date(match["date"], context)) if council else None


SENTENCE_SPLIT = re.compile(r"(?<=[.!?'’”])\s+(?=[A-ZÆØÅ'\"“])")
TREATED_VERB = re.compile(
    r"\b(?:behandlede|behandlet|forelagt|tog\s+sagen|drøftede|godkendt\s+af|anbefalede|besluttede|vedtog)\b",
    re.I,
)
FUTURE = re.compile(r"\b(?:skal|vil|forventes|forelægges|sendes)\b", re.I)


def find_mentions(text: str, context: str | None, own_council: str | None) -> list[Treatment]:
    """Treatments reported in running text: "Handicaprådet behandlede sagen på
    deres ordinære møde den 23. april 2025 …". A sentence counts when it names a
    body, a past-tense treatment verb and a full or contextual date."""
    found: list[Treatment] = []
    sentences = SENTENCE_SPLIT.split(re.sub(r"\s+", " ", text))
    for index, sentence in enumerate(sentences):
        if not TREATED_VERB.search(sentence) or FUTURE.search(sentence.split(",")[0]):
            continue
        council = COUNCIL_WORD.search(sentence)
        when_match = ANY_DATE.search(sentence)
        if not council or not when_match:
            continue
        when = _date_from_match(when_match, context)
        if not when or (context and when > context):
            continue
        name = council.group(0)
        found.append(Treatment(council=name, date=when, item=None, source="tekst", note=_with_quote(sentences, index)))
    return found


def _with_quote(sentences: list[str], index: int, limit: int = 600) -> str:
    """The sentence, continued while a quotation it opens is still open
    ("… med følgende bemærkninger: 'Handicaprådet anerkender … '")."""
    note = sentences[index].strip()
    following = index + 1
    while following < len(sentences) and len(note) < limit and (note.count("'") % 2 or note.count('"') % 2 or note.endswith(":")):
        note = f"{note} {sentences[following].strip()}"
        following += 1
    return note[:limit]


# --- law references --------------------------------------------------------

LAW_NAMES = [
    (re.compile(r"servicelovens?|lov om social service|\bSEL\b|serviceovens?", re.I), "serviceloven"),
    (re.compile(r"barnets lov", re.I), "barnets lov"),
    (re.compile(r"lov om socialtilsyn|socialtilsynsloven", re.I), "lov om socialtilsyn"),
    (re.compile(r"styrelseslovens?|lov om kommunernes styrelse", re.I), "styrelsesloven"),
    (re.compile(r"retssikkerhedslovens?|retsikkerhedslovens?", re.I), "retssikkerhedsloven"),
    (re.compile(r"sundhedslovens?", re.I), "sundhedsloven"),
    (re.compile(r"beskæftigelseslovens?|lov om en aktiv beskæftigelsesindsats", re.I), "beskæftigelsesloven"),
    (re.compile(r"forvaltningslovens?", re.I), "forvaltningsloven"),
    (re.compile(r"offentlighedslovens?", re.I), "offentlighedsloven"),
    (re.compile(r"planlovens?", re.I), "planloven"),
]
PARAGRAPH = re.compile(
    r"§§?\s*(?P<nums>\d+(?:\s?[a-h](?![\wæøå]))?(?:\s*(?:,|og|-|–)\s*\d+(?:\s?[a-h](?![\wæøå]))?)*)",
)
LAW_WINDOW = 40


def _law_near(text: str, start: int, end: int) -> str | None:
    before = text[max(0, start - LAW_WINDOW):start]
    after = text[end:end + LAW_WINDOW]
    for pattern, name in LAW_NAMES:
        hits_before = list(pattern.finditer(before))
        if hits_before and not re.search(r"[.;]\s", before[hits_before[-1].end():]):
            return name
    for pattern, name in LAW_NAMES:
        match = pattern.search(after)
        if match and re.match(r"^[\s,]*(?:stk\.\s*\d+\s*)?(?:i|jf\.|efter)?\s*(?:lov om|[a-zæøå]*lov|barnets|SEL)", after, re.I) and match.start() < 25:
            return name
    return None


def find_law_refs(text: str) -> list[str]:
    """ "servicelovens § 85", "§§ 103 og 104", "§ 79 a i retssikkerhedsloven" →
    ["serviceloven § 85", "§ 103", "§ 104", "retssikkerhedsloven § 79 a"]."""
    refs: list[str] = []
    for match in PARAGRAPH.finditer(text):
        law = _law_near(text, match.start(), match.end())
        nums = re.split(r"\s*(?:,|og)\s*", match["nums"])
        for num in nums:
            num = re.sub(r"\s+", " ", num.strip())
            if not num or not num[0].isdigit():
                continue
            num = re.sub(r"^(\d+)\s?([a-z])$", r"\1 \2", num).replace("–", "-")
            ref = f"{law} § {num}" if law else f"§ {num}"
            if ref not in refs:
                refs.append(ref)
    return refs
