"""People: who sat in which body, who attended, who was absent, who voted how.

Council minutes name people in four places: the meeting's roll
(`participants`), the absence notes of an item (`absent`, "Fraværende: …"),
the vote lines ("Liselott Blixt (UP) stemte imod", "(Ø) og (F) stemte imod")
and the running text. This module reads the first three from the stored
records and assembles one `Person` per person; the running text is left to
the search (a phrase search for the name), which already indexes it.

Identity is conservative, because a wrong merge puts one member's votes on
another's page:
- the same name in the same municipality is one person, different
  municipalities are always different people;
- a spelling variant is joined to a more frequent spelling only when the
  archive itself gives evidence: it differs by a left-out middle name or by
  one letter, both spellings occur in the same body, the two never stand side
  by side in one meeting's roll (then they are two people), and exactly one
  spelling qualifies. The page lists the spellings that were joined.

The table is assembled once per index generation, by the build, from the
records the index stores (`knowledge`), and read with the generation
(`people_table`). A server keeps everyone's summary in memory (names,
spellings, parties, bodies, counts: what lists, council pages and name
offers need) and reads one person's meetings and votes from the file when
their page asks (`PeopleTable.get`): at 1M generated items the whole table,
appearances included, cost a server +984 MB once a name query unpickled it.
"""

from __future__ import annotations

import pickle
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .extract import council_key
from .parser import slugify
from .records import ItemRecord, MeetingRecord

PARTY_CODE = re.compile(r"^(?:[A-ZÆØÅ]{1,3}(?:-\d{1,2})?|Løsgænger)$")
PARTY_VOTE = re.compile(r"^\(?(?P<code>[A-ZÆØÅ]{1,3}(?:-\d{1,2})?)\)?(?=$|[\s.,;:])")
NAME_TOKEN = re.compile(r"^[A-ZÆØÅÉÜÖÄ][\wæøåÆØÅéüöä.'\-]*$")
PARTICLES = {"von", "van", "de", "la", "du", "af", "der", "den"}
NOT_NAMES = {
    "Udvalget", "Byrådet", "Byråd", "Kommune", "Kommunalbestyrelsen", "Fraværende", "Afbud", "Ingen",
    "Formand", "Næstformand", "Borgmester", "Borgmesteren", "Økonomiudvalget", "Alle", "Mødet", "Punkt",
    "Enhedslisten", "Venstre", "Socialdemokratiet", "Dansk", "Folkeparti", "Partiet", "Det", "Den", "De",
}
# Where a parser left two names in one string: "X Fraværende: Y", "X og Y", "X, Y".
NAME_SPLIT = re.compile(r"\s+(?:Fraværende|Afbud|Fravær|Deltog ikke)\s*:\s*|\s+og\s+|\s*[,;]\s*|\s+&\s+")
TRAILING_PAREN = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<inner>[^()]{1,80})\)(?P<rest>.*)$")
POSITIONS = ("for", "against", "abstained")
POSITION_LABELS = {"for": "For", "against": "Imod", "abstained": "Undlod at stemme"}
STATUS_LABELS = {"present": "Til stede", "absent": "Fraværende", "partly": "Delvis fraværende"}
MIN_SLIP_LENGTH = 8  # "Per Lund" and "Pia Lund" differ by one letter too: short names need more evidence


# --- names as written -----------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """One name as a record writes it, split into the name, a party code and a note."""

    name: str
    party: str | None = None
    note: str | None = None  # "Stedfortræder for Torben Hoffmann"


def looks_like_name(text: str) -> bool:
    """A personal name: two to six capitalised words (particles allowed), none of them a body or a heading."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 6:
        return False
    if tokens[0] in PARTICLES or tokens[-1] in PARTICLES:
        return False
    return all((NAME_TOKEN.match(t) or t in PARTICLES) and t.rstrip(".:") not in NOT_NAMES for t in tokens)


def split_names(text: str) -> list[Written]:
    """The names in one entry of a vote or absence list, as written.

    "Liselott Blixt (UP) med bemærkning om" → Liselott Blixt, party UP;
    "Conni Bergendorff (Stedfortræder for Torben Hoffmann)" → a note;
    "Morten Dahlin og Heidi Serny Jacobsen" → two names. Anything that does
    not look like a personal name (party letters, "Udvalget", a clause of a
    remark) yields nothing."""
    found: list[Written] = []
    for part in NAME_SPLIT.split(text.strip().rstrip(".")):
        part = part.strip(" .:\"”“")
        party = note = None
        match = TRAILING_PAREN.match(part)
        if match:
            part, inner = match["name"].strip(), match["inner"].strip()
            if PARTY_CODE.match(inner):
                party = inner
            else:
                note = inner
        if looks_like_name(part):
            found.append(Written(part, party, note))
    return found


def party_of_vote(text: str) -> str | None:
    """The party code of a vote entry that names a party, not a person: "(Ø)", "Ø", "(F) med bemærkning om"."""
    match = PARTY_VOTE.match(text.strip())
    return match["code"] if match else None


def surname_of_vote(text: str) -> tuple[str, str | None] | None:
    """"Olsen (A)" → ("Olsen", "A"): a vote that names a member by surname only."""
    match = TRAILING_PAREN.match(text.strip())
    name, party = (match["name"].strip(), match["inner"].strip()) if match else (text.strip(), None)
    if party is not None and not PARTY_CODE.match(party):
        return None
    if NAME_TOKEN.match(name) and " " not in name and name not in NOT_NAMES and not PARTY_CODE.match(name):
        return name, party
    return None


def one_edit_apart(a: str, b: str) -> bool:
    """True when one substitution, insertion or deletion turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]


def middle_name_variant(short: str, long: str) -> bool:
    """"Mehmet Dogru" is "Mehmet Zeki Dogru" without the middle name: same first
    and last word, the shorter's words a subsequence of the longer's."""
    a, b = short.split(), long.split()
    if len(a) < 2 or len(a) >= len(b) or a[0] != b[0] or a[-1] != b[-1]:
        return False
    rest = iter(b[1:-1])
    return all(word in rest for word in a[1:-1])


def variant_kind(a: str, b: str) -> str | None:
    """How spelling a may be a variant of b: "mellemnavn", "stavefejl" or None."""
    if middle_name_variant(a, b) or middle_name_variant(b, a):
        return "mellemnavn"
    x, y = a.casefold(), b.casefold()
    if min(len(x), len(y)) < MIN_SLIP_LENGTH:
        return None
    if x.replace("-", " ") == y.replace("-", " "):  # "Anne-Marie Lyduch", "Anne Marie Lyduch"
        return "stavefejl"
    if len(a.split()) == len(b.split()) and one_edit_apart(x, y):
        return "stavefejl"
    return None


# --- the names of one item, at index time -----------------------------------------------


@dataclass(frozen=True)
class ItemPeople:
    """Who an item names, as the index stores it (`schema.item_document`).

    `named`: the people the item is *about* as far as people go — noted absent
    (on the item, or on the meeting's roll), voting by name (or by a surname
    the roll resolves), or named in the item's own text (a roll name found in
    the title, body, decision or notes). These make the person facet; the
    text they come from is searched at full weight. `present`: the rest of
    the roll, who merely took part; searched at a low weight (see
    schema.ATTENDANCE_WEIGHT).

    Limit: a person the text names who is not on this meeting's roll (an
    Økonomiudvalg item naming a Byråd member) is found by a search for the
    name, but is not in the facet: the index is built a meeting at a time and
    knows only this meeting's roll, and telling a name from a capitalised
    phrase without it would put "Grønt Råd" among the people."""

    named: tuple[str, ...]
    present: tuple[str, ...]
    roll_absent: tuple[str, ...]


def roll_names(participants: Iterable[Any]) -> list[tuple[str, bool]]:
    """(name as written, absent) for each person on a meeting's roll, notes and party letters stripped."""
    found: dict[str, bool] = {}
    for participant in participants:
        for written in split_names(participant.name):
            found[written.name] = found.get(written.name, False) or participant.absent
    return list(found.items())


def item_people(absent: Iterable[str], votes: Iterable[str], text: str, roll: list[tuple[str, bool]]) -> ItemPeople:
    """The names of one item: `absent` and `votes` as the record lists them,
    `text` the item's searchable text, `roll` the meeting's (`roll_names`)."""
    named: dict[str, None] = {}
    for entry in absent:
        named.update((w.name, None) for w in split_names(entry))
    roll_absent = tuple(name for name, away in roll if away)
    named.update(dict.fromkeys(roll_absent))
    for entry in votes:
        names = split_names(entry)
        named.update((w.name, None) for w in names)
        surname = None if names else surname_of_vote(entry)
        if surname:
            matches = [name for name, _ in roll if name.split()[-1] == surname[0]]
            if len(matches) == 1:  # "Olsen (A)": the roll says who
                named[matches[0]] = None
    if roll and text:
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n, _ in sorted(roll, key=lambda r: -len(r[0]))) + r")(?!\w)")
        named.update(dict.fromkeys(pattern.findall(text)))
    present = tuple(name for name, away in roll if not away and name not in named)
    return ItemPeople(tuple(named), present, roll_absent)


# --- the people table -------------------------------------------------------------------


@dataclass
class Body:
    """A council or committee the person sat in, as the records show it."""

    council: str
    meetings: int = 0
    first: str | None = None
    last: str | None = None
    affiliations: list[str] = field(default_factory=list)  # as written: party letters, organisations
    roles: list[str] = field(default_factory=list)


@dataclass
class AbsentItem:
    item_id: str
    number: int
    title: str
    note: str | None = None  # the absence note as written ("Fraværende: Tina Rottbøll")


@dataclass
class Attendance:
    """One meeting: present, absent (the roll says so, or absent from every item) or partly absent."""

    meeting_id: str
    date: str | None
    council: str | None
    status: str  # present | absent | partly
    listed: bool  # on the meeting's roll (else only named in an item)
    absent_items: list[AbsentItem] = field(default_factory=list)
    items_total: int = 0
    role: str | None = None
    note: str | None = None  # the roll's own note ("Stedfortræder for …")


@dataclass
class Vote:
    item_id: str
    meeting_id: str
    date: str | None
    council: str | None
    number: int
    title: str
    position: str  # for | against | abstained
    as_written: str  # "Liselott Blixt (UP)", "(Ø)", "Olsen (A)"
    via_party: str | None = None  # the vote was recorded for the person's party, not by name
    decision_kind: str | None = None


@dataclass
class Spelling:
    name: str
    count: int
    reason: str | None = None  # why it was joined: "mellemnavn" | "stavefejl"; None for the main spelling


@dataclass
class Person:
    """One person. In a `PeopleTable` read from an index the person is a
    summary (`meetings` and `votes` empty, `tally` counting them) until
    `PeopleTable.get` reads their appearances."""

    id: str
    name: str
    municipality: str
    spellings: list[Spelling] = field(default_factory=list)
    parties: list[tuple[str | None, str]] = field(default_factory=list)  # (date, code) as the records show it
    bodies: list[Body] = field(default_factory=list)
    meetings: list[Attendance] = field(default_factory=list)  # newest first
    votes: list[Vote] = field(default_factory=list)  # newest first
    tally: dict[str, int] = field(default_factory=dict)  # `counts()`, kept when the appearances are not

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A person pickled before the tally was kept (a knowledge file of
        format 1 or 2, whole appearances included) counts them on reading."""
        self.__dict__.update(state)
        if "tally" not in state:
            self.tally = self.count_appearances()

    @property
    def joined(self) -> list[Spelling]:
        return [s for s in self.spellings if s.reason]

    def party_on(self, date: str | None) -> str | None:
        """The party the records have shown for the person on or before a date
        (the latest such); None before the first. A vote "(F) stemte imod" is
        only put on a member's page once the archive has named them with (F):
        members change parties (Greve's "Hans-Jørgen Kirstein (D)", later "(UP-2)")."""
        before = [code for day, code in self.parties if day and date and day <= date]
        return before[-1] if before else None

    def counts(self) -> dict[str, int]:
        """Meetings present, absent and partly absent, and votes by position."""
        return dict(self.tally)

    def count_appearances(self) -> dict[str, int]:
        return {
            "meetings": len(self.meetings),
            "present": sum(m.status == "present" for m in self.meetings),
            "absent": sum(m.status == "absent" for m in self.meetings),
            "partly": sum(m.status == "partly" for m in self.meetings),
            **{f"votes_{p}": sum(v.position == p for v in self.votes) for p in POSITIONS},
        }


class AppearancesUnreadable(RuntimeError):
    """A person's meetings and votes could not be read from the tables' file
    (damaged since a server opened it): the caller assembles the table anew."""


@dataclass
class PeopleTable:
    """Everyone in the archive.

    `appearances` None: each `Person` holds their meetings and votes (a
    table just assembled, or read from a file of format 1 or 2). Otherwise
    `people` holds summaries and `appearances` each person's meetings and
    votes, pickled, read on lookup (`knowledge.Blobs` over the tables'
    file): lists and name offers never unpickle them."""

    people: dict[str, Person]
    aliases: dict[str, str]  # slug of any joined spelling → person id (old links keep working)
    seconds: float = 0.0
    appearances: Mapping[str, bytes] | None = None

    def get(self, person_id: str) -> Person | None:
        """The person (or a joined spelling's), whole: meetings and votes included.

        Raises AppearancesUnreadable when their appearances cannot be read."""
        summary = self.summary(person_id)
        if summary is None or self.appearances is None:
            return summary
        try:
            meetings, votes = pickle.loads(self.appearances[summary.id])
        except Exception as error:  # noqa: BLE001 - short or foreign bytes: a file damaged since it was opened
            raise AppearancesUnreadable(f"{summary.id}: {type(error).__name__}") from error
        return replace(summary, meetings=meetings, votes=votes)

    def summary(self, person_id: str) -> Person | None:
        """The person's summary: names, parties, bodies and counts (`meetings` and `votes` may be empty)."""
        return self.people.get(person_id) or self.people.get(self.aliases.get(person_id, ""))

    def split(self) -> tuple[PeopleTable, dict[str, bytes]]:
        """(the table of summaries, person id → their meetings and votes
        pickled): how the tables' file keeps it. The summaries' table
        carries an empty `appearances` until the file's are attached."""
        whole = {pid: self.get(pid) for pid in self.people}
        appearances = {pid: pickle.dumps((p.meetings, p.votes), protocol=pickle.HIGHEST_PROTOCOL)
                       for pid, p in whole.items()}
        summaries = {pid: replace(p, meetings=[], votes=[]) for pid, p in whole.items()}
        return PeopleTable(summaries, dict(self.aliases), self.seconds, appearances={}), appearances

    def id_of(self, municipality: str, name: str) -> str | None:
        """The person id behind a name as a record writes it ("Tina Rotbøll" → greve-tina-rottboell)."""
        written = split_names(name)
        return self.aliases.get(person_id(municipality, written[0].name)) if written else None

    def in_council(self, councils: Iterable[str | None], municipality: str | None = None) -> list[Person]:
        """The people who sat in a body (any of its spellings), by name."""
        keys = {council_key(c or "Notater") for c in councils}
        return sorted(
            (p for p in self.people.values()
             if (municipality is None or p.municipality == municipality)
             and any(council_key(b.council) in keys for b in p.bodies)),
            key=lambda p: p.name.casefold(),
        )

    def of_municipality(self, municipality: str | None = None) -> list[Person]:
        return sorted((p for p in self.people.values() if municipality is None or p.municipality == municipality),
                      key=lambda p: (p.municipality, p.name.casefold()))


def person_id(municipality: str, name: str) -> str:
    """Stable and URL-safe: "greve-liselott-blixt"."""
    return slugify(f"{municipality} {name}")


# --- identity ------------------------------------------------------------------------------


@dataclass
class _Seen:
    """What the records show of one spelling in one municipality."""

    count: int = 0
    councils: set[str] = field(default_factory=set)
    rolls: set[str] = field(default_factory=set)  # meetings whose roll lists this spelling
    anchored: bool = False  # on a roll, in an absence list or voting with a party: a person, not a street


def resolve_spellings(seen: dict[str, _Seen]) -> dict[str, tuple[str, str | None]]:
    """spelling → (main spelling, reason) within one municipality.

    Rarer spellings are joined to a more frequent one only on evidence (see the
    module docstring); a spelling with two candidate partners stays alone."""
    order = sorted(seen, key=lambda s: (-seen[s].count, s))
    rank = {s: i for i, s in enumerate(order)}
    result: dict[str, tuple[str, str | None]] = {s: (s, None) for s in order}
    for spelling in reversed(order):
        candidates = []
        for other in order[: rank[spelling]]:
            reason = variant_kind(spelling, other)
            if reason is None:
                continue
            if not {council_key(c) for c in seen[spelling].councils} & {council_key(c) for c in seen[other].councils}:
                continue
            if seen[spelling].rolls & seen[other].rolls:  # side by side in one roll: two people
                continue
            candidates.append((other, reason))
        if len(candidates) == 1:
            other, reason = candidates[0]
            result[spelling] = (result[other][0], reason)
    # a spelling joined to one that was itself joined points at the main spelling
    for spelling, (main, reason) in result.items():
        while result[main][0] != main:
            main = result[main][0]
        result[spelling] = (main, reason)
    # A name seen only in vote lines, never joined to a member, is no one's
    # ("Karlslunde Centervej"). A group is a person when any of its spellings
    # is anchored — the anchored one may be the rarer spelling (filtering
    # before the chains were followed left it pointing at a dropped main
    # spelling: a KeyError on a generated archive, every search failing).
    people = {main for spelling, (main, _) in result.items() if seen[spelling].anchored}
    return {spelling: found for spelling, found in result.items() if found[0] in people}


# --- assembling -----------------------------------------------------------------------------


def _vote_entries(item: ItemRecord) -> Iterable[tuple[str, str]]:
    votes = item.get("votes") or {}
    for position in POSITIONS:
        for entry in votes.get(position) or []:
            yield position, entry


def _sightings(meetings: list[MeetingRecord], items_of: Callable[[str], list[ItemRecord]]) -> dict[str, dict[str, _Seen]]:
    """municipality → spelling → where it was seen (rolls, absence lists, vote lines)."""
    seen: dict[str, dict[str, _Seen]] = defaultdict(lambda: defaultdict(_Seen))
    for meeting in meetings:
        town, council = meeting["municipality"], meeting.get("council") or ""
        for participant in meeting.get("participants") or []:
            for written in split_names(participant["name"]):
                entry = seen[town][written.name]
                entry.count += 1
                entry.councils.add(council)
                entry.rolls.add(meeting["id"])
                entry.anchored = True
        for item in items_of(meeting["id"]):
            absent = [w for n in item.get("absent") or [] for w in split_names(n)]
            voters = [w for _, e in _vote_entries(item) for w in split_names(e)]
            for written in absent + voters:
                entry = seen[town][written.name]
                entry.count += 1
                entry.councils.add(council)
                entry.anchored = entry.anchored or written in absent or written.party is not None
    return seen


class _Builder:
    """Accumulates one municipality's people from its meetings, in date order."""

    def __init__(self, town: str, spellings: dict[str, tuple[str, str | None]], seen: dict[str, _Seen]) -> None:
        self.town = town
        self.spellings = spellings
        self.people: dict[str, Person] = {}
        for spelling, (main, reason) in spellings.items():
            person = self.people.setdefault(main, Person(id="", name=main, municipality=town))
            person.spellings.append(Spelling(spelling, seen[spelling].count, reason))
        for person in self.people.values():
            person.spellings.sort(key=lambda s: (s.reason is not None, -s.count, s.name))

    def person(self, name: str) -> Person | None:
        main = self.spellings.get(name)
        return self.people.get(main[0]) if main else None

    def note_party(self, person: Person, date: str | None, code: str | None) -> None:
        if code and PARTY_CODE.match(code) and (not person.parties or person.parties[-1][1] != code):
            person.parties.append((date, code))

    def body(self, person: Person, meeting: MeetingRecord) -> Body:
        council = meeting.get("council") or "Notater"
        for body in person.bodies:
            if council_key(body.council) == council_key(council):
                return body
        body = Body(council)
        person.bodies.append(body)
        return body

    def add_meeting(self, meeting: MeetingRecord, items: list[ItemRecord]) -> None:
        date = meeting.get("date")
        rows: dict[str, Attendance] = {}

        def attendance(person: Person, listed: bool) -> Attendance:
            row = rows.get(person.name)
            if row is None:
                row = rows[person.name] = Attendance(meeting["id"], date, meeting.get("council"), "present", listed,
                                                     items_total=len(items))
                body = self.body(person, meeting)
                body.meetings += 1
                body.first = body.first or date
                body.last = date or body.last
            row.listed = row.listed or listed
            return row

        for participant in meeting.get("participants") or []:
            for written in split_names(participant["name"]):
                person = self.person(written.name)
                if person is None:
                    continue
                row = attendance(person, listed=True)
                row.role = row.role or participant.get("role")
                row.note = row.note or written.note
                if participant.get("absent"):
                    row.status = "absent"
                body = self.body(person, meeting)
                for value, target in ((participant.get("affiliation"), body.affiliations),
                                      (written.party, body.affiliations), (participant.get("role"), body.roles)):
                    if value and value not in target:
                        target.append(value)
                self.note_party(person, date, participant.get("affiliation") or written.party)
        for item in items:
            self._add_item_absence(item, attendance)
        noted = [item for item in items if item.get("absent")]
        for row in rows.values():
            if row.status == "present" and row.absent_items:
                row.status = "absent" if absent_throughout(len(row.absent_items), len(noted), len(items)) else "partly"
        for item in items:
            self._add_votes(meeting, item, rows)
        for name, row in rows.items():
            self.people[name].meetings.append(row)

    def _add_item_absence(self, item: ItemRecord, attendance) -> None:
        for raw in item.get("absent") or []:
            for written in split_names(raw):
                person = self.person(written.name)
                if person is None:
                    continue
                row = attendance(person, listed=False)
                if all(a.item_id != item["id"] for a in row.absent_items):
                    note = next((line for line in item.get("attendance") or [] if written.name in line), None)
                    row.absent_items.append(AbsentItem(item["id"], item["number"], item["title"], note))

    def _add_votes(self, meeting: MeetingRecord, item: ItemRecord, rows: dict[str, Attendance]) -> None:
        date = meeting.get("date")
        voted: set[str] = set()
        party_votes: list[tuple[str, str, str]] = []

        def cast(person: Person, position: str, written: str, via: str | None) -> None:
            self.body(person, meeting)
            person.votes.append(Vote(item["id"], meeting["id"], date, meeting.get("council"), item["number"],
                                     item["title"], position, written, via, item.get("decision_kind")))
            voted.add(person.name)

        for position, entry in _vote_entries(item):
            names = split_names(entry)
            for written in names:
                person = self.person(written.name)
                if person is not None and person.name not in voted:
                    self.note_party(person, date, written.party)
                    body = self.body(person, meeting)
                    if written.party and written.party not in body.affiliations:
                        body.affiliations.append(written.party)
                    cast(person, position, entry, None)
            if names:
                continue
            surname = surname_of_vote(entry)
            if surname:
                matches = [self.people[n] for n in rows if n.split()[-1] == surname[0] and self.people[n].name not in voted]
                if len(matches) == 1:  # the meeting's roll shows who "Olsen (A)" is
                    cast(matches[0], position, entry, None)
                continue
            code = party_of_vote(entry)
            if code:
                party_votes.append((position, code, entry))
        # A vote recorded for a party is each of its members' who took part in the item.
        absent_here = {n for n, row in rows.items() if row.status == "absent" or any(a.item_id == item["id"] for a in row.absent_items)}
        for position, code, entry in party_votes:
            for name in rows:
                person = self.people[name]
                if name not in voted and name not in absent_here and person.party_on(date) == code:
                    cast(person, position, entry, code)


def absent_throughout(absent_from: int, items_with_notes: int, items: int) -> bool:
    """Absent from the whole meeting, as the item notes tell it: absent from
    every item that notes anyone's absence, and those are most of the agenda.
    (Greve notes "Fraværende: …" on each open item but not on a closing
    "Underskriftsark", so "every item" alone would call no one absent.)"""
    return absent_from >= items_with_notes and 2 * items_with_notes > items


def assemble(meetings: list[MeetingRecord], items: Iterable[ItemRecord]) -> PeopleTable:
    """The people table of a set of stored meeting and item records."""
    items_by_meeting: dict[str, list[ItemRecord]] = defaultdict(list)
    for item in items:
        items_by_meeting[item["meeting_id"]].append(item)
    for rows in items_by_meeting.values():
        rows.sort(key=lambda r: (r["number"], r["id"]))
    return assemble_by_meeting(meetings, lambda meeting_id: items_by_meeting.get(meeting_id, []))


def assemble_by_meeting(meetings: list[MeetingRecord], items_of: Callable[[str], list[ItemRecord]]) -> PeopleTable:
    """The people table of a set of stored meeting records, each meeting's
    items (in agenda order) asked for when it is read: a whole archive's
    items need not be held at once (`knowledge.GenerationRecords`)."""
    started = time.perf_counter()
    ordered = sorted(meetings, key=lambda m: (m.get("date") or "", m["id"]))
    people: dict[str, Person] = {}
    aliases: dict[str, str] = {}
    for town, seen in sorted(_sightings(ordered, items_of).items()):
        builder = _Builder(town, resolve_spellings(seen), seen)
        for meeting in ordered:
            if meeting["municipality"] == town:
                builder.add_meeting(meeting, items_of(meeting["id"]))
        _register(builder.people.values(), people, aliases)
    return PeopleTable(people, aliases, seconds=time.perf_counter() - started)


def _register(found: Iterable[Person], people: dict[str, Person], aliases: dict[str, str]) -> None:
    """Give each person an id (a numbered suffix only if two names slug alike) and newest-first lists."""
    for person in sorted(found, key=lambda p: (-sum(s.count for s in p.spellings), p.name)):
        if not person.meetings and not person.votes:
            continue
        base = person_id(person.municipality, person.name)
        pid, n = base, 1
        while pid in people:
            n += 1
            pid = f"{base}-{n}"
        person.id = pid
        person.meetings.reverse()
        person.votes.reverse()
        person.tally = person.count_appearances()
        people[pid] = person
        for spelling in person.spellings:
            aliases.setdefault(person_id(person.municipality, spelling.name), pid)


# --- from an index ----------------------------------------------------------------------------


def people_table(archive) -> PeopleTable:
    """The people table of the archive's current generation."""
    return people_table_of(archive.current())


def people_table_of(snapshot) -> PeopleTable:
    """The people table of one index generation (a search `Snapshot`).

    Assembled by the build with the generation's case table and read with
    it (`knowledge`), so a new build's generation brings a new table and
    requests on the old one keep theirs."""
    return snapshot.knowledge().people()


def find_person(archive, person_id: str) -> Person | None:
    """One person (or a joined spelling's), whole, in the archive's current
    generation: their meetings and votes read from the tables' file."""
    return archive.current().knowledge().person(person_id)


# --- a query that is a name ------------------------------------------------------------------

MAX_OFFERS = 3


@dataclass(frozen=True)
class PersonOffer:
    """"Gå til personen: Tina Rottbøll (Byråd)": a person the query names."""

    id: str
    name: str
    municipality: str
    councils: tuple[str, ...]  # the bodies they sat in, most meetings first

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "municipality": self.municipality, "councils": list(self.councils)}


def _folded_words(text: str, fold) -> tuple[str, ...]:
    return tuple(fold(word) for word in text.replace('"', " ").split())


def names_match(typed: tuple[str, ...], name: tuple[str, ...]) -> bool:
    """Typed words name this spelling: the whole name, or the name without its
    middle names ("Mehmet Dogru" for "Mehmet Zeki Dogru")."""
    if typed == name:
        return True
    if len(typed) < 2 or len(typed) >= len(name) or typed[0] != name[0] or typed[-1] != name[-1]:
        return False
    rest = iter(name[1:-1])
    return all(word in rest for word in typed[1:-1])


def _name_index(table: PeopleTable, fold) -> tuple[dict[tuple[str, ...], set[str]], dict[str, set[str]]]:
    """(folded spelling words → person ids, folded later name → person ids), built once per table."""
    cached = getattr(table, "_name_index", None)
    if cached is None:
        spellings: dict[tuple[str, ...], set[str]] = defaultdict(set)
        surnames: dict[str, set[str]] = defaultdict(set)
        for person in table.people.values():
            for spelling in person.spellings:
                words = _folded_words(spelling.name, fold)
                spellings[words].add(person.id)
                for word in words[1:]:  # "Klintskov", "Jerkel": any name but the first
                    surnames[word].add(person.id)
        cached = (dict(spellings), dict(surnames))
        table._name_index = cached  # type: ignore[attr-defined]
    return cached


def people_offers(table: PeopleTable, words: list[str], fold, municipalities: Iterable[str] = ()) -> list[PersonOffer]:
    """The people a query names: a spelling's whole name, the name without its
    middle names, or one later name (a middle or last name) that only one
    person in the archive has (a shared one offers no one: "Jerkel" is two
    members of Greve's Byråd). Restricted to
    the municipalities filtered on, if any; at most MAX_OFFERS, most meetings first."""
    typed = tuple(fold(w) for w in words)
    spellings, surnames = _name_index(table, fold)
    found = set(spellings.get(typed, ()))
    if not found and len(typed) >= 2:
        found = {pid for name, ids in spellings.items() if names_match(typed, name) for pid in ids}
    if not found and len(typed) == 1 and len(surnames.get(typed[0], ())) == 1:
        found = set(surnames[typed[0]])
    towns = {fold(t) for t in municipalities}
    people = [table.people[pid] for pid in found if not towns or fold(table.people[pid].municipality) in towns]
    people.sort(key=lambda p: (-p.tally.get("meetings", 0), p.name))
    return [
        PersonOffer(p.id, p.name, p.municipality,
                    tuple(b.council for b in sorted(p.bodies, key=lambda b: (-b.meetings, b.council)) if b.meetings))
        for p in people[:MAX_OFFERS]
    ]


def person_values(typed: str, known: Iterable[str], fold) -> list[str]:
    """The person facet values a `person:` filter means: the name as written,
    any name containing every typed word ("rottbøll" → "Tina Rottbøll"), and
    a spelling without or with middle names ("Mehmet Dogru" ↔ "Mehmet Zeki Dogru")."""
    wanted = _folded_words(typed, fold)
    if not wanted:
        return []
    found = []
    for value in known:
        words = _folded_words(value, fold)
        if value == typed or all(w in words for w in wanted) or names_match(words, wanted) or names_match(wanted, words):
            found.append(value)
    return sorted(found, key=lambda v: (_folded_words(v, fold) != wanted, v))
