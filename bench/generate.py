"""Deterministic generator of realistic council archives for benchmarking.

    python -m bench.generate --items 100000 --seed 1 OUT/

writes OUT/<municipality>/<body>-YYYY-MM-DD-referat.txt (a share as .html),
one file per meeting, in the text format of the real extractions in
`corpus/`, so that a benchmark measures the real ingest path and not a
friendlier one. Why the pieces look the way they do:

* Scale is in municipality-years. One municipality writes about 1,500 items a
  year (the real volume of a mid-sized Danish municipality) in 8-20 item
  meetings of its Kommunalbestyrelse/Byråd, Økonomiudvalg, standing
  committees and advisory councils. More items means more municipalities and
  years, not bigger meetings.
* Cases travel. A case (one KLE case number) passes through 2-4 bodies in date
  order (Handicaprådet → Socialudvalget → Økonomiudvalget →
  Kommunalbestyrelsen); every later treatment lists the earlier ones under
  "Tidligere behandling" (or "Behandlingsforløb" / "Tidligere
  udvalgsbeslutninger" in the Byråd layout), which is what the cross-body
  features of the archive are tested against.
* Wording is learnt. Prose is sampled from a Markov chain over the corpus's own
  sentences (`bench.vocabulary`), so word frequencies, stemming load and phrase
  structure follow the real minutes.
* Memory is per municipality. Each municipality is planned (calendar, cases,
  numbering), written and dropped before the next, so 1M items need no more
  memory than 10k. Municipalities are independent random streams, so the
  output does not depend on `jobs` and is byte-identical for the same
  (items, seed, html_share) and corpus.
"""

from __future__ import annotations

import argparse
import bisect
import html
import itertools
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from . import vocabulary as V

ITEMS_PER_YEAR = 1500
FINAL_YEAR = 2025
FIRST_YEAR = 2007  # the municipal reform; no archive of today's municipalities is older
MAX_YEARS = 10
MANIFEST = ".bench-manifest.json"
GENERATOR_VERSION = 1
TERM_STARTS = (2007, 2010, 2014, 2018, 2022, 2026)
NEW_LAYOUT_FROM = 2023  # Ballerup's minutes gained Indhold/Sammendrag/Baggrund around then
CHAIN_WINDOW_DAYS = 75

# Section headings the generator writes; the HTML writer turns exactly these into <h3>.
HEADINGS = frozenset({
    "Tidligere behandling", "Indhold", "Sammendrag", "Baggrund", "Sagsfremstilling", "Den videre proces",
    "Det videre forløb", "Yderligere deltagelse på mødet", "Økonomiske konsekvenser og finansiering", "Bilag",
    "Beslutningen træffes af", "Indstilling", "Beslutning", "Behandlingsforløb", "Tidligere udvalgsbeslutninger",
    "Resumé", "Budgetmæssige konsekvenser",
})


def weighted(random, options: tuple, cumulative: tuple[float, ...]):
    """A weighted draw from precomputed cumulative weights (cheaper than
    random.choices, which rebuilds them on every call)."""
    return options[bisect.bisect(cumulative, random() * cumulative[-1])]


def cumulative(weights) -> tuple[float, ...]:
    return tuple(itertools.accumulate(weights))


ATTACHMENT_COUNTS = ((0, 1, 2, 3, 4, 5, 7, 10), cumulative((40, 20, 14, 10, 7, 4, 3, 2)))
ABSENTEES = ((0, 1, 2), cumulative((50, 35, 15)))
VOTE_SIDES = (("for", "imod", "undlod"), cumulative((70, 20, 10)))


# --- the bodies ------------------------------------------------------------------


@dataclass(frozen=True)
class BodyKind:
    """A kind of body and its names in the two layouts (None: the layout has
    no such body). The first name of each list is the real one of Ballerup
    (Kommunalbestyrelse layout) or Ikast-Brande (Byråd layout)."""

    kind: str
    kb_names: tuple[str, ...]
    byraad_names: tuple[str, ...] | None
    per_year: int
    week: int  # week of the month: advisory councils first, the council last
    weekdays: tuple[int, ...]
    hours: tuple[int, ...]
    size: tuple[int, int]  # items per meeting before scaling
    advisory: bool = False


BODY_KINDS = (
    BodyKind("handicapraad", ("Handicaprådet",), ("Handicaprådet",), 8, 0, (2, 3), (15, 16, 17), (6, 12), True),
    BodyKind("psykiatriraad", ("Psykiatrirådet",), ("Psykiatrirådet",), 6, 0, (3,), (16, 17), (7, 14), True),
    BodyKind("aeldreraad", ("Seniorrådet", "Ældrerådet", "Ældrerådet"), ("Ældrerådet",), 10, 0, (0, 3), (9, 10, 13), (6, 12), True),
    BodyKind("soc", ("Socialudvalget", "Social- og Sundhedsudvalget", "Socialudvalget"),
             ("Arbejdsmarkeds-, Psykiatri- og Handicapudvalget", "Social- og Beskæftigelsesudvalget", "Socialudvalget"),
             10, 1, (1, 2), (8, 13, 15), (8, 18)),
    BodyKind("besk", ("Beskæftigelsesudvalget", "Beskæftigelses- og Integrationsudvalget"), None, 10, 1, (0, 1), (8, 16), (8, 16)),
    BodyKind("sund", ("Sundheds- og Ældreudvalget", "Ældre- og Sundhedsudvalget"),
             ("Sundheds- og Omsorgsudvalget", "Sundheds- og Ældreudvalget"), 10, 1, (1, 3), (8, 15), (8, 16)),
    BodyKind("born", ("Børne- og Skoleudvalget", "Børne- og Ungeudvalget"),
             ("Børne-, Kultur- og Fritidsudvalget", "Børne- og Familieudvalget"), 10, 1, (2,), (8, 16), (8, 18)),
    BodyKind("kultur", ("Kultur- og Fritidsudvalget", "Kultur-, Fritids- og Idrætsudvalget"), None, 9, 1, (3,), (16, 17), (8, 14)),
    BodyKind("teknik", ("Teknik- og Miljøudvalget", "Klima-, Miljø- og Teknikudvalget", "By- og Miljøudvalget"),
             ("Plan- og Miljøudvalget", "Teknik- og Miljøudvalget"), 10, 1, (0, 1), (8, 15), (8, 16)),
    BodyKind("ou", ("Økonomiudvalget",), ("Økonomi- og Planudvalget", "Økonomiudvalget"), 11, 2, (1,), (8, 15), (10, 20)),
    BodyKind("kb", ("Kommunalbestyrelsen",), ("Byrådet",), 11, 3, (0,), (17, 18, 19), (12, 20)),
)
KIND_ORDER = {kind.kind: index for index, kind in enumerate(BODY_KINDS)}


@dataclass(eq=False)
class Person:
    name: str
    short: str  # first and last name, as vote lists print it
    party: str | None = None
    label: str | None = None  # what the participant list puts in brackets (party, organisation, role)
    role: str | None = None

    def listed(self, absent: bool = False) -> str:
        text = self.name
        if self.label:
            text += f" ({self.label})"
        if self.role:
            text += f" ({self.role})"
        return text + (" (Afbud)" if absent else "")

    def voter(self) -> str:
        party = "løsgænger" if self.party == "Løsgænger" else self.party
        return f"{self.short} ({party})"


@dataclass(eq=False)
class Body:
    kind: BodyKind
    name: str
    slug: str
    genitive: str
    weekday: int
    hour: int
    minute: int
    center: str  # the administration that writes its items
    indstiller: str  # "Center for … " or "Direktøren for …"
    members: dict[int, list[Person]] = field(default_factory=dict)  # term start → members
    staff: dict[int, list[Person]] = field(default_factory=dict)

    @property
    def advisory(self) -> bool:
        return self.kind.advisory


@dataclass(frozen=True)
class Institution:
    name: str  # as the text says it: "Stokholtbuen"
    full: str  # with its kind word: "Helhedstilbuddet Stokholtbuen"
    kind: str
    group: str  # social | pleje | skole | other


@dataclass(eq=False)
class Municipality:
    name: str
    slug: str
    style: str  # "kb" (Ballerup layout) or "byraad" (Ikast-Brande layout)
    town: str
    zip: int
    bodies: list[Body]
    institutions: list[Institution]

    def body(self, kind: str) -> Body | None:
        return next((b for b in self.bodies if b.kind.kind == kind), None)


# --- plan records (slots: a municipality plans ~15,000 of them) -----------------------


class Meeting:
    """One meeting being planned: its fixed items (head, tail), the cases it
    treats (items) and how many slots are still free for cases to arrive."""

    __slots__ = ("body", "date", "ordinal", "capacity", "free", "head", "items", "tail", "html", "absent", "term")

    def __init__(self, body: Body, when: date, capacity: int) -> None:
        self.body = body
        self.date = when
        self.ordinal = when.toordinal()
        self.capacity = capacity
        self.free = capacity
        self.head: list[Item] = []
        self.items: list[Item] = []
        self.tail: list[Item] = []
        self.html = False
        self.absent: list[Person] = []
        self.term = max(t for t in TERM_STARTS if t <= when.year) if when.year >= TERM_STARTS[0] else TERM_STARTS[0]


class Item:
    """One agenda item. Items of a travelling case share `chain` (all its
    treatments in date order) and list the earlier ones in `prior`; `decision`
    is filled when the item is rendered, so later treatments can quote it."""

    __slots__ = (
        "meeting", "number", "topic", "title", "case", "chain", "prior", "closed", "std", "inst", "inst2",
        "decision", "remarks", "final", "action",
    )

    def __init__(self, meeting: Meeting, title: str, case: str | None, *, topic: V.Topic | None = None,
                 std: str | None = None, closed: bool = False) -> None:
        self.meeting = meeting
        self.number = 0
        self.topic = topic
        self.title = title
        self.case = case
        self.chain: list[Item] | None = None
        self.prior: list[Item] = []
        self.closed = closed
        self.std = std
        self.inst: Institution | None = None
        self.inst2: Institution | None = None
        self.decision: list[str] = []
        self.remarks: list[str] = []
        self.final: Body = meeting.body
        self.action = topic.action if topic else "efterretning"


# --- summary -----------------------------------------------------------------------


@dataclass
class GenerationSummary:
    """What a run wrote. `files` counts every file (documents and the
    per-municipality institutions.tsv gazetteers); `meetings` the documents."""

    files: int
    items: int
    meetings: int
    municipalities: int
    cases_multi_body: int
    seconds: float
    bytes: int = 0
    years: int = 0
    html_documents: int = 0
    corpus_digest: str = ""

    @property
    def items_per_second(self) -> float:
        return self.items / self.seconds if self.seconds else float("inf")

    def __str__(self) -> str:
        return (
            f"files={self.files} items={self.items} meetings={self.meetings} municipalities={self.municipalities} "
            f"years={self.years} cases_multi_body={self.cases_multi_body} html={self.html_documents} "
            f"size={self.bytes / 1e6:.1f} MB seconds={self.seconds:.2f} ({self.items_per_second:,.0f} items/s)"
        )


@dataclass
class _Partial:
    files: int = 0
    items: int = 0
    meetings: int = 0
    cases_multi_body: int = 0
    bytes: int = 0
    html_documents: int = 0


# --- sizing -------------------------------------------------------------------------


def world_shape(items: int) -> tuple[int, int]:
    """(municipalities, years) for `items`: about 1,500 items per municipality
    and year, at most ten years back, then more municipalities."""
    muni_years = max(1, round(items / ITEMS_PER_YEAR))
    years = min(MAX_YEARS, -(-muni_years // 3))
    municipalities = -(-muni_years // years)
    if municipalities > len(V.MUNICIPALITIES):
        municipalities = len(V.MUNICIPALITIES)
        years = min(FINAL_YEAR - FIRST_YEAR + 1, -(-muni_years // municipalities))
    return municipalities, years


def split(total: int, parts: int) -> list[int]:
    base, rest = divmod(total, parts)
    return [base + (1 if index < rest else 0) for index in range(parts)]


def chosen_municipalities(count: int, seed: int) -> list[str]:
    """Ballerup and Ikast-Brande (the corpus's own, one per layout) first, the
    rest in a seed-dependent order."""
    fixed, rest = list(V.MUNICIPALITIES[:2]), list(V.MUNICIPALITIES[2:])
    random.Random(f"world:{seed}").shuffle(rest)
    return (fixed + rest)[:count]


# --- identity: who and what a municipality is ------------------------------------------


def build_municipality(name: str, rng: random.Random, model: V.CorpusModel) -> Municipality:
    """Bodies, administration and institutions. Drawn from a name-seeded
    stream, so a municipality is the same place whatever the run's seed."""
    identity = random.Random(f"identity:{name}")
    style = "byraad" if name in V.BYRAAD_STYLE else "kb"
    real = name in ("Ballerup", "Ikast-Brande")
    town = V.TOWNS.get(name, name)
    bodies: list[Body] = []
    for kind in BODY_KINDS:
        names = kind.kb_names if style == "kb" else kind.byraad_names
        if names is None or (kind.kind == "psykiatriraad" and style == "byraad" and identity.random() < 0.5):
            continue
        if kind.kind == "kultur" and style == "kb" and name == "Ballerup":
            continue
        body_name = names[0] if real else identity.choice(names)
        if kind.kind == "aeldreraad" and not real:
            body_name = "Ældrerådet" if identity.random() < 0.8 else "Seniorrådet"
        center_kind = {"handicapraad": "soc", "psykiatriraad": "soc", "aeldreraad": "sund", "kb": "ou"}.get(kind.kind, kind.kind)
        center = V.CENTERS[center_kind][0 if real else identity.randrange(len(V.CENTERS[center_kind]))]
        indstiller = center if style == "kb" else V.DIRECTORS[center_kind]
        bodies.append(Body(
            kind=kind, name=body_name, slug=V.slugify(body_name), genitive=body_name + "s",
            weekday=identity.choice(kind.weekdays), hour=identity.choice(kind.hours),
            minute=0 if identity.random() < 0.8 else 30, center=center, indstiller=indstiller,
        ))
    municipality = Municipality(name, V.slugify(name), style, town, V.zip_code(town), bodies, _institutions(name, identity, model))
    _people(municipality, rng)
    return municipality


def _institutions(name: str, identity: random.Random, model: V.CorpusModel) -> list[Institution]:
    found: list[Institution] = []
    for inst_name, kind, aliases in model.gazetteers.get(V.slugify(name), ()):
        group = V.GAZETTEER_GROUPS.get(kind, "other")
        full = next((a for a in aliases if a.split()[0][:1].isupper() and a != inst_name and " " in a), inst_name)
        found.append(Institution(inst_name, full, kind, group))
    stems = list(V.INSTITUTION_STEMS)
    identity.shuffle(stems)
    wanted = {"social": 14, "pleje": 8, "skole": 10}
    for group, count in wanted.items():
        have = sum(1 for i in found if i.group == group)
        kinds = [k for k in V.INSTITUTION_KINDS if k[2] == group]
        for _ in range(max(0, count - have)):
            kind, article, _ = identity.choice(kinds)
            if group == "skole":
                stem = identity.choice(V.SCHOOL_STEMS)
                inst_name = f"{stem}skolen"
                full = inst_name
            else:
                inst_name = stems.pop() if stems else f"{identity.choice(V.INSTITUTION_STEMS)} {len(found)}"
                full = f"{article} {inst_name}"
            if all(i.name != inst_name for i in found):
                found.append(Institution(inst_name, full, kind, group))
    return found


def _person_factory(rng: random.Random):
    taken: set[str] = set()

    def person(**extra) -> Person:
        while True:
            first, last = rng.choice(V.FIRST_NAMES), rng.choice(V.LAST_NAMES)
            middle = rng.choice(V.MIDDLE_NAMES) if rng.random() < 0.35 else None
            full = f"{first} {middle} {last}" if middle else f"{first} {last}"
            if full not in taken:
                taken.add(full)
                return Person(full, f"{first} {last}", **extra)

    return person


PARTY_LETTERS = tuple(p for p, _ in V.PARTIES if p != "Løsgænger")


def _party(rng: random.Random) -> str:
    return rng.choices([p for p, _ in V.PARTIES], weights=[w for _, w in V.PARTIES])[0]


def _people(municipality: Municipality, rng: random.Random) -> None:
    """Council members per electoral term (60 % re-elected), committee seats,
    council representatives and the administration's staff."""
    person = _person_factory(rng)
    council: list[Person] = []
    size = rng.choice((19, 21, 25, 27, 29, 31))
    for term in TERM_STARTS:
        kept = [p for p in council if rng.random() < 0.6]
        council = kept + [person(party=_party(rng)) for _ in range(size - len(kept))]
        for p in council:
            p.label = p.party
        mayor = Person(council[0].name, council[0].short, council[0].party, council[0].label, "borgmester")
        deputy = Person(council[1].name, council[1].short, council[1].party, council[1].label, "1. viceborgmester")
        others = council[2:]
        director = person(role="direktør")
        for body in municipality.bodies:
            kind = body.kind.kind
            staff = [director, person(role=f"centerchef for {body.center.removeprefix('Center for ')}")]
            if kind == "kb":
                members = [mayor, deputy, *others]
            elif kind == "ou":
                members = [mayor, deputy, *rng.sample(others, min(len(others), rng.choice((5, 7, 9))))]
            elif kind in V.FAG:
                members = rng.sample(council[1:], min(len(council) - 1, rng.choice((5, 7, 9))))
            elif kind == "handicapraad":
                members = rng.sample(others, 3) + [person(label=org) for org in rng.sample(V.HANDICAP_ORGS, rng.randint(5, 8))]
            elif kind == "psykiatriraad":
                orgs = [o.replace("{BY}", municipality.town) for o in V.PSYCHIATRY_ORGS]
                members = rng.sample(others, rng.randint(3, 5)) + [person(label=rng.choice(orgs)) for _ in range(rng.randint(4, 7))]
            else:  # aeldreraad: elected seniors without party
                members = [person(role="formand"), person(role="næstformand")] + [person() for _ in range(rng.randint(5, 9))]
            body.members[term] = members
            body.staff[term] = staff


# --- planning: calendar, cases, numbering ---------------------------------------------

MONTHS_IN_SESSION = (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)  # no meetings in July


def meeting_date(body: Body, year: int, month: int) -> date:
    first = date(year, month, 1)
    day = 1 + (body.weekday - first.weekday()) % 7 + 7 * body.kind.week
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    while day > last or (month == 12 and day > 19):
        day -= 7
    if (month, day) in ((1, 1), (1, 2), (6, 5)):  # New Year, Constitution Day
        day += 7
    return date(year, month, day)


def calendar(municipality: Municipality, year: int, budget: int, rng: random.Random) -> list[Meeting]:
    """The year's meetings with item counts summing to exactly `budget`."""
    nominal: list[tuple[Body, date]] = []
    for body in municipality.bodies:
        per_year = body.kind.per_year
        picks = sorted({round(i * len(MONTHS_IN_SESSION) / per_year) for i in range(per_year)})
        nominal += [(body, meeting_date(body, year, MONTHS_IN_SESSION[i])) for i in picks]
    wanted = max(1, min(len(nominal), round(budget / 14)))
    if wanted < len(nominal):
        nominal = rng.sample(nominal, wanted)
    nominal.sort(key=lambda pair: (pair[1], KIND_ORDER[pair[0].kind.kind]))
    counts = [rng.randint(*body.kind.size) for body, _ in nominal]
    _fit(counts, budget, rng)
    return [Meeting(body, when, count) for (body, when), count in zip(nominal, counts)]


def _fit(counts: list[int], total: int, rng: random.Random) -> None:
    """Scale the drawn counts to sum to `total`, then nudge them one item at a
    time, keeping every meeting within 8-20 items while that is possible."""
    low, high = 8, 20
    if sum(counts):
        scale = total / sum(counts)
        counts[:] = [max(1, round(c * scale)) for c in counts]
    if low * len(counts) <= total <= high * len(counts):
        counts[:] = [min(high, max(low, c)) for c in counts]
    order = list(range(len(counts)))
    rng.shuffle(order)
    while (diff := total - sum(counts)) != 0:
        changed = False
        for index in order:
            if diff > 0 and counts[index] < high:
                counts[index] += 1
                diff -= 1
                changed = True
            elif diff < 0 and counts[index] > low:
                counts[index] -= 1
                diff += 1
                changed = True
            if diff == 0:
                break
        if not changed:
            low, high = max(1, low - 4), high + 4


class Planner:
    """Turns a municipality's calendar into numbered items: fixed items,
    cases that travel between bodies, and single-body items."""

    CHAIN_START = {"handicapraad": 0.45, "psykiatriraad": 0.45, "aeldreraad": 0.4, "ou": 0.3, "kb": 0.0}

    def __init__(self, municipality: Municipality, rng: random.Random, model: V.CorpusModel) -> None:
        self.m = municipality
        self.rng = rng
        self.random = rng.random
        self.model = model
        self.serials: dict[tuple[str, str, int], int] = {}
        self.standing_cases: dict[tuple[str, str, int], str] = {}
        self.recurring: dict[tuple[str, str, str], Item] = {}
        self.multi_body = 0
        by_kind = {b.kind.kind: b for b in municipality.bodies}
        self.institutions: dict[str, list[Institution]] = {}
        for inst in municipality.institutions:
            self.institutions.setdefault(inst.group, []).append(inst)
        self.raad = [b.name for b in municipality.bodies if b.advisory]
        self.singles: dict[str, tuple[list[V.Topic], tuple[float, ...]]] = {}
        self.chains: dict[str, tuple[list[tuple[V.Topic, list[Body]]], tuple[float, ...]]] = {}
        for body in municipality.bodies:
            kind = body.kind.kind
            topics = [t for t in V.TOPICS if kind in t.bodies]
            self.singles[kind] = (topics, cumulative(t.weight for t in topics))
            routes = []
            for topic in V.TOPICS:
                for path in topic.paths:
                    resolved = [by_kind[k] for k in path if k in by_kind]
                    if len(resolved) >= 2 and resolved[0] is body:
                        routes.append((topic, resolved))
            self.chains[kind] = (routes, cumulative(t.weight for t, _ in routes))

    def pick(self, seq):
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    # -- case numbers --

    def case_number(self, topic: V.Topic | None, year: int, kle: str | None = None, facet: str | None = None) -> str:
        kle = kle or self.pick(topic.kle)
        facet = facet or self.pick(topic.facets)
        opened = year - 1 if self.random() < 0.2 else year
        key = (kle, facet, opened)
        serial = self.serials.get(key) or self.between(0, 6)
        serial += self.between(1, 3)
        self.serials[key] = serial
        return f"{kle}-{facet}-{serial}-{opened % 100:02d}"

    def standing_case(self, body: Body, what: str, year: int, kle: str, facet: str) -> str:
        key = (body.slug, what, year)
        if key not in self.standing_cases:
            self.standing_cases[key] = self.case_number(None, year, kle, facet)
        return self.standing_cases[key]

    # -- the plan --

    def plan(self, meetings: list[Meeting]) -> None:
        for meeting in meetings:
            self._fixed_items(meeting)
        index = {}
        for meeting in meetings:
            index.setdefault(meeting.body.kind.kind, []).append(meeting)
        self.by_body = {kind: (ms, [m.ordinal for m in ms]) for kind, ms in index.items()}
        for meeting in meetings:
            self._fill(meeting)
        for meeting in meetings:
            self.rng.shuffle(meeting.items)
            for number, item in enumerate(meeting.head + meeting.items + meeting.tail, start=1):
                item.number = number

    def _fixed_items(self, meeting: Meeting) -> None:
        """Standing items: agenda approval, announcements, any other business,
        signing page, closed items."""
        rng, body, year = self.rng, meeting.body, meeting.date.year
        kind, style = body.kind.kind, self.m.style
        head: list[Item] = []
        tail: list[Item] = []
        if style == "kb":
            if body.advisory:
                head.append(Item(meeting, "Godkendelse af dagsorden", None, std="dagsorden"))
            if kind != "kb" or rng.random() < 0.3:
                head.append(Item(meeting, "Meddelelser", self.standing_case(body, "meddelelser", year, "00.01.10", "P35"), std="meddelelser"))
            if kind == "psykiatriraad" and rng.random() < 0.5:
                head.append(Item(meeting, f"{body.name} - siden sidst", self.standing_case(body, "siden", year, "00.01.10", "G01"), std="siden_sidst"))
            if body.advisory:
                tail.append(Item(meeting, "Eventuelt", None, std="eventuelt"))
                if rng.random() < 0.4:
                    tail.append(Item(meeting, f"Evaluering af {body.genitive} møde", self.standing_case(body, "evaluering", year, "00.01.10", "G01"), std="evaluering"))
            elif year >= NEW_LAYOUT_FROM and rng.random() < 0.7:
                tail.append(Item(meeting, "Godkendelse af referat (underskriftside)", self.standing_case(body, "referat", year, "00.22.00", "P19"), std="referat"))
        else:
            if not body.advisory and kind != "kb":
                tail.append(Item(meeting, "Åbne meddelelser", self.standing_case(body, "meddelelser", year, "00.22.04", "G01"), std="aabne_meddelelser"))
                if rng.random() < 0.7:
                    tail.append(Item(meeting, "Lukket: Lukkede meddelelser", None, std="lukket", closed=True))
            if body.advisory:
                head.append(Item(meeting, "Godkendelse af dagsorden", None, std="dagsorden"))
        closed = {"kb": rng.choice((0, 1, 1, 2, 3)), "ou": rng.choice((0, 1, 1, 2))}.get(kind, 1 if rng.random() < 0.15 else 0)
        for _ in range(closed if not body.advisory else 0):
            title = rng.choice(V.CLOSED_TITLES).format(service=rng.choice(V.SERVICES), leder=rng.choice(V.LEADERS))
            tail.append(Item(meeting, f"Lukket: {title}", self.case_number(None, year, "00.01.00", rng.choice(("G01", "P20", "A00"))), closed=True, std="lukket"))
        while len(head) + len(tail) > max(0, meeting.capacity - 1):
            (tail or head).pop()
        meeting.head, meeting.tail = head, tail
        meeting.free = meeting.capacity - len(head) - len(tail)

    def _fill(self, meeting: Meeting) -> None:
        kind = meeting.body.kind.kind
        routes, weights = self.chains[kind]
        start = self.CHAIN_START.get(kind, 0.2) if routes else 0.0
        while meeting.free > 0:
            meeting.free -= 1
            if self.random() < start:
                topic, path = weighted(self.random, routes, weights)
                self._chain(meeting, topic, path)
            else:
                topics, topic_weights = self.singles[kind]
                topic = weighted(self.random, topics, topic_weights) if topics else V.TOPICS[-1]
                meeting.items.append(self._new_item(meeting, topic))

    def _new_item(self, meeting: Meeting, topic: V.Topic) -> Item:
        year = meeting.date.year
        item = Item(meeting, "", self.case_number(topic, year), topic=topic)
        pool = self.institutions.get(topic.inst_group or "social") or self.m.institutions
        item.inst = self.pick(pool)
        item.inst2 = self.pick(pool)
        item.title = self._title(item, topic)
        for _ in range(6):  # two items with one title in one meeting look like a bug
            if all(other.title != item.title for other in meeting.items):
                break
            item.title = self._title(item, topic)
        if topic.recurring:
            key = (meeting.body.slug, topic.key, item.inst.name)
            earlier = self.recurring.get(key)
            if earlier is not None and earlier.meeting.ordinal < meeting.ordinal:
                item.prior.append(earlier)
            self.recurring[key] = item
        return item

    def _title(self, item: Item, topic: V.Topic) -> str:
        meeting, pick = item.meeting, self.pick
        year = meeting.date.year
        if topic.key == "korpus" or not topic.titles:
            template = pick(self.model.titles)
            values = {k: "" for k in V.PLACEHOLDER_KEYS} | V.year_keys(year)
            values.update(BY=self.m.name, UDVALG=meeting.body.name, UDVALGS=meeting.body.genitive,
                          INST=item.inst.name, INST2=item.inst2.name, KB=self._kb_name(), OU=self._ou_name())
            return template.format_map(values)
        return pick(topic.titles).format(
            inst=item.inst.name, instf=item.inst.full, inst2=item.inst2.name, year=year, prev_year=year - 1,
            next_year=year + 1, year2=f"{(year) % 100:02d}", year3=year + 3, year4=year + 4, year5=year + 5,
            n=self.between(1, 4), n3=self.between(100, 480), omraade=pick(V.AREAS_BY_KIND.get(meeting.body.kind.kind, V.AREAS)), initiativ=pick(V.INITIATIVES),
            plan=pick(V.PLANS), kommune=self.m.name, udvalg=meeting.body.name, raad=pick(self.raad or [meeting.body.name]),
            party=pick(PARTY_LETTERS), month=V.MONTHS[meeting.date.month - 1], område=pick(V.PLACES),
        )

    def _kb_name(self) -> str:
        body = self.m.body("kb")
        return body.name if body else "Kommunalbestyrelsen"

    def _ou_name(self) -> str:
        body = self.m.body("ou")
        return body.name if body else "Økonomiudvalget"

    def _chain(self, meeting: Meeting, topic: V.Topic, path: list[Body]) -> None:
        """Start a case here and reserve its later treatments in the next
        meetings (with room) of the bodies on its path."""
        first = self._new_item(meeting, topic)
        meeting.items.append(first)
        steps = [first]
        previous = meeting
        for body in path[1:]:
            following = self._next_meeting(body, previous.ordinal)
            if following is None:
                break
            item = Item(following, first.title, first.case, topic=topic)
            item.inst, item.inst2 = first.inst, first.inst2
            item.prior = steps[:] if not first.prior else first.prior + steps
            following.items.append(item)
            following.free -= 1
            steps.append(item)
            previous = following
        for item in steps:
            item.chain = steps
            item.final = path[-1]
        if len(steps) > 1:
            self.multi_body += 1

    def _next_meeting(self, body: Body, after: int) -> Meeting | None:
        meetings, ordinals = self.by_body.get(body.kind.kind, ((), []))
        index = bisect.bisect_right(ordinals, after)
        while index < len(meetings) and ordinals[index] <= after + CHAIN_WINDOW_DAYS:
            if meetings[index].free > 0:
                return meetings[index]
            index += 1
        return None


# --- writing -----------------------------------------------------------------------------


def danish_date(when: date) -> str:
    return f"{when.day}. {V.MONTHS[when.month - 1]} {when.year}"


def lower_first(text: str, proper: frozenset[str] = frozenset()) -> str:
    """ "Status på IPS" → "status på IPS" for use mid-sentence; "IPS-indsatsen",
    "Ballerup Kommunes …" and institution names keep their capital."""
    if len(text) < 2 or not text[1].islower():
        return text
    first = text.split(" ", 1)[0]
    if first in proper or first[:-1] in proper:
        return text
    return text[0].lower() + text[1:]


def money(random) -> str:
    """An amount as the minutes write it: "2,4 mio. kr." or "3.204.000 kr."."""
    if random() < 0.4:
        return f"{1 + int(random() * 40)},{int(random() * 10)} mio. kr."
    return f"{(50 + int(random() * 8950)) * 1000:,}".replace(",", ".") + " kr."


class Writer:
    """Renders planned meetings into the corpus's text format (or HTML)."""

    def __init__(self, municipality: Municipality, rng: random.Random, model: V.CorpusModel, pool_size: int) -> None:
        self.m = municipality
        self.rng = rng
        self.random = rng.random  # the hot path draws with random() and indexing: 10x cheaper than choice()
        self.model = model
        self.pool = model.sentence_pool(rng, pool_size)
        # A standalone "3. Strategisk ledelse:" block reads as a bare-numbered item heading.
        self.intros = [s for s in model.intros if len(s) < 160 and not re.match(r"\d+[.)]\s", s)] or ["Der er tale om følgende:"]
        self.bullets = [b for b in model.bullets if len(re.sub(r"\{\w+\}", "", b).split()) >= 2] or ["Ingen bemærkninger."]
        self.numbered = list(model.numbered) or self.bullets
        announcement_labels = {"Formanden", "Øvrige udvalgsmedlemmer", "Direktør", "Konference"}
        self.subheadings = [h for h in model.subheadings if h not in announcement_labels] or ["Baggrund"]
        self.remarks = list(V.DECISION_REMARKS) + [r for r in model.remarks if len(r) < 260]
        self.kb = municipality.body("kb")
        self.ou = municipality.body("ou")
        self.proper = frozenset([municipality.name, municipality.town, *(i.name.split()[0] for i in municipality.institutions)])
        self.base = V.year_keys(FINAL_YEAR) | {
            "BY": municipality.name,
            "KB": self.kb.name if self.kb else "Kommunalbestyrelsen",
            "KBS": self.kb.genitive if self.kb else "Kommunalbestyrelsens",
            "OU": self.ou.name if self.ou else "Økonomiudvalget",
            "OUS": self.ou.genitive if self.ou else "Økonomiudvalgets",
        }
        self.year_cache: dict[int, dict[str, str]] = {}

    # -- drawing --

    def pick(self, seq):
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    # -- prose --

    def context(self, item: Item) -> dict[str, str]:
        meeting, body = item.meeting, item.meeting.body
        year = meeting.date.year
        base = self.year_cache.get(year)
        if base is None:
            base = self.year_cache[year] = self.base | V.year_keys(year)
        staff, members = body.staff[meeting.term], body.members[meeting.term]
        ctx = dict(base)
        ctx["UDVALG"] = body.name
        ctx["UDVALGS"] = body.genitive
        ctx["CENTER"] = body.center
        ctx["PERSON"] = self.pick(staff).name
        ctx["PERSON2"] = self.pick(members).name
        ctx["PERSON3"] = self.pick(members).name
        ctx["PERSON4"] = self.pick(members).name
        ctx["INST"] = item.inst.name if item.inst else "Botilbuddet"
        ctx["INST2"] = item.inst2.name if item.inst2 else ctx["INST"]
        return ctx

    def sentence(self, ctx: dict[str, str]) -> str:
        pool = self.pool
        text = pool[int(self.random() * len(pool))]
        return text.format_map(ctx) if "{" in text else text

    def paragraph(self, ctx: dict[str, str], low: int = 1, high: int = 4) -> str:
        pool, random = self.pool, self.random
        size = len(pool)
        parts = []
        for _ in range(low + int(random() * (high - low + 1))):
            text = pool[int(random() * size)]
            parts.append(text.format_map(ctx) if "{" in text else text)
        text = " ".join(parts)
        if len(text) > 300 and self.random() < 0.01:  # a page break inside the paragraph
            cut = text.find(" ", len(text) // 2)
            if cut > 0:
                text = text[:cut] + "\n\n" + text[cut + 1:]
        return text

    def run(self, seq: list[str], count: int) -> list[str]:
        """`count` consecutive entries from a random place: neighbours in the
        corpus come from the same list, so the list reads as one."""
        start = int(self.random() * max(1, len(seq) - count))
        return seq[start:start + count]

    def listing(self, ctx: dict[str, str]) -> list[str]:
        intro = self.pick(self.intros)
        if self.random() < 0.3:
            lines = self.run(self.numbered, self.between(2, 4))
            body = "\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1))
        else:
            lines = self.run(self.bullets, self.between(2, 5))
            body = "\n".join(f"- {line}" for line in lines)
        text = f"{intro}\n\n{body}"
        return [text.format_map(ctx) if "{" in text else text]

    def sagsfremstilling(self, item: Item, ctx: dict[str, str]) -> list[str]:
        rng = self.rng
        blocks: list[str] = []
        for index in range(self.between(2, 6)):
            roll = self.random()
            if roll < 0.12 and index:
                heading = self.pick(self.subheadings)
                blocks.append(heading.format_map(ctx) if "{" in heading else heading)
                blocks.append(self.paragraph(ctx))
            elif roll < 0.24:
                blocks.extend(self.listing(ctx))
            else:
                blocks.append(self.paragraph(ctx))
        topic = item.topic
        if topic and topic.laws and self.random() < 0.6:
            law = self.pick(topic.laws)
            phrase = self.pick((
                f"Sagen behandles efter {law}.",
                f"Tilbuddet hører under {law}, og {self.m.name} Kommune har forsyningsforpligtelsen.",
                f"Det fremgår af {law}, at {ctx['KB'].lower()} skal tage stilling til sagen.",
                f"Der henvises til {law}.",
            ))
            blocks.insert(rng.randrange(len(blocks) + 1), phrase)
        if item.inst and topic and topic.inst_group and self.random() < 0.5:
            blocks.insert(0, f"Sagen vedrører {item.inst.full} i {self.m.name} Kommune. {self.sentence(ctx)}")
        if self.random() < 0.004:
            blocks.insert(rng.randrange(len(blocks) + 1), "?")
        return blocks

    def earlier_council_mention(self, item: Item) -> list[str]:
        """ "Handicaprådet behandlede sagen på deres ordinære møde den …" as the
        real minutes report an advisory council's view."""
        for earlier in reversed(item.prior):
            body = earlier.meeting.body
            if body.advisory and earlier.meeting.ordinal < item.meeting.ordinal and self.random() < 0.7:
                when = danish_date(earlier.meeting.date)
                if earlier.remarks:
                    return [f"{body.name} behandlede sagen på deres ordinære møde den {when} med følgende bemærkninger:",
                            f"'{earlier.remarks[0]} '"]
                return [f"{body.name} tog sagen til efterretning på deres ordinære møde den {when}."]
        return []

    def economy(self, item: Item, ctx: dict[str, str], terse: bool) -> str:
        if item.topic and item.topic.money or self.random() < 0.12:
            year, amount = item.meeting.date.year, money(self.random)
            text = self.pick((
                f"Udgiften på {amount} finansieres inden for den eksisterende ramme.",
                f"Der søges en tillægsbevilling på {amount} i {year}.",
                f"Forslaget medfører en årlig merudgift på {amount} fra {year + 1}.",
                f"Der er afsat {amount} som et engangsbeløb i {year}.",
            ))
            return f"{text} {self.sentence(ctx)}" if self.random() < 0.5 else text
        if terse:
            return self.pick(("Ingen.", "Ingen.", "Ingen"))
        return self.pick(("Ingen økonomiske konsekvenser",) * 5 + ("Ingen økonomiske konsekvenser.",))

    def attachments(self, item: Item) -> tuple[int, int, list[str]]:
        rng = self.rng
        count = weighted(self.random, *ATTACHMENT_COUNTS)
        if not count:
            return 0, 0, []
        recommended = min(count, self.pick((0, 1, 1, 2, 2, 3, count, count)))
        templates = list(item.topic.attachments) if item.topic and item.topic.attachments else []
        templates += ["Notat om {title}", "Præsentation på {udvalg}", "Tidsplan for {title}", "Økonomisk oversigt {year}",
                      "Handleplan {year}", "Høringssvar", "Referat fra dialogmøde {date}"]
        meeting = item.meeting
        values = {
            "title": lower_first(item.title, self.proper), "udvalg": meeting.body.name, "year": meeting.date.year,
            "prev_year": meeting.date.year - 1, "inst": item.inst.name if item.inst else "", "instf": item.inst.full if item.inst else "",
            "month": V.MONTHS[(meeting.date.month - 2) % 12], "n": self.between(1, 4), "omraade": self.pick(V.AREAS),
            "initiativ": self.pick(V.INITIATIVES), "date": f"{self.between(1, 28)}.{meeting.date.month}.{meeting.date.year}",
            "plan": self.pick(V.PLANS),
        }
        titles: list[str] = []
        for template in rng.sample(templates, min(len(templates), count)):
            titles.append(template.format(**values))
        while len(titles) < count:
            titles.append(f"Bilag {len(titles) + 1} - {item.title}")
        return count, recommended, titles

    # -- decisions --

    def decision(self, item: Item, ctx: dict[str, str]) -> list[str]:
        """The decision blocks; remarks are kept on the item so later
        treatments of the case can quote them."""
        rng, body = self.rng, item.meeting.body
        chain = item.chain
        continues = bool(chain) and chain[-1] is not item
        terse = self.m.style == "byraad"
        roll = self.random()
        if body.advisory:
            if item.action == "høring" or roll < 0.25:
                options = (("Taget til efterretning med følgende bemærkninger:", 0.4), ("Sagen blev drøftet med følgende bemærkninger:", 0.3),
                           (f"{body.name} anbefaler indstillingen.", 0.15), ("Ingen bemærkninger", 0.15))
                text = rng.choices([o for o, _ in options], [w for _, w in options])[0]
                return [text] + (self._remarks(item, ctx) if text.endswith(":") else [])
            return ["Taget til efterretning." if terse else "Taget til efterretning"]
        if continues:
            if roll < 0.1 and len(self._voters(item)) >= 3:
                return self._votes(item, "anbefalet")
            text = rng.choices(("Anbefales", "Indstillingen anbefales", f"Anbefales over for {item.final.name}"), (60, 28, 12))[0]
            return [text + "." if terse else text]
        if item.action == "godkend":
            if roll < 0.18 and len(self._voters(item)) >= 3:
                return self._votes(item, "godkendt")
            if roll < 0.25:
                return ["Godkendt med følgende bemærkninger:"] + self._remarks(item, ctx)
            if roll < 0.29:
                return ["Udsat." if terse else "Udsat"]
            text = rng.choices(("Godkendt", "Indstillingen godkendt", "Indstillingen blev godkendt"), (60, 30, 10))[0]
            return [text + "." if terse else text]
        if roll < 0.08:
            return ["Taget til efterretning med følgende bemærkning:"] + self._remarks(item, ctx, 1)
        if roll < 0.13:
            return ["Sagen blev drøftet med følgende bemærkninger:"] + self._remarks(item, ctx)
        if terse and roll < 0.2:
            return [f"Taget til efterretning. {self.sentence(ctx)}"]
        return ["Taget til efterretning." if terse else "Taget til efterretning"]

    def _remarks(self, item: Item, ctx: dict[str, str], count: int | None = None) -> list[str]:
        rng = self.rng
        remarks = [r.format_map(ctx) if "{" in r else r for r in rng.sample(self.remarks, count or self.between(1, 3))]
        item.remarks = remarks
        return ["\n".join(f"{i}. {r}" for i, r in enumerate(remarks, start=1))]

    def _voters(self, item: Item) -> list[Person]:
        meeting = item.meeting
        absent = meeting.absent
        return [p for p in meeting.body.members[meeting.term] if p.party and p not in absent]

    def _votes(self, item: Item, outcome: str) -> list[str]:
        """Parties vote as blocs; the majority carries the recommendation."""
        voters = self._voters(item)
        parties = list(dict.fromkeys(p.party for p in voters))
        side = {party: weighted(self.random, *VOTE_SIDES) for party in parties}
        if all(s == "for" for s in side.values()):
            side[self.pick(parties)] = "imod"
        groups = {s: [p.voter() for p in voters if side[p.party] == s] for s in ("for", "imod", "undlod")}
        if len(groups["for"]) <= len(groups["imod"]):
            groups["for"], groups["imod"] = groups["imod"], groups["for"]
        blocks = [f"For stemte: {len(groups['for'])}, {', '.join(groups['for'])}."]
        if groups["imod"]:
            blocks.append(f"Imod stemte: {len(groups['imod'])}, {', '.join(groups['imod'])}.")
        if groups["undlod"]:
            blocks.append(f"Undlod af stemme: {len(groups['undlod'])}, {', '.join(groups['undlod'])}.")
        blocks.append(f"Indstillingen blev dermed {outcome}.")
        dissent = [p for p in voters if side[p.party] != "for"]
        if dissent and self.random() < 0.3:
            who = self.pick(dissent).voter()
            blocks.append(f"{who} ønskede at afgive følgende mindretalsudtalelse:")
            blocks.append(self.sentence(self.context(item)))
            if item.meeting.body.kind.kind != "kb" and self.random() < 0.3:
                blocks.append(f"{who} benyttede standsningsretten efter styrelseslovens § 23 og begærede sagen behandlet i {self.base['KB']}.")
        return blocks

    # -- items, Kommunalbestyrelse (Ballerup) layout --

    def treatment_line(self, earlier: Item) -> str:
        word = "Punkt" if self.random() < 0.75 else "punkt"
        return f"{earlier.meeting.body.name} den {danish_date(earlier.meeting.date)} {word} {earlier.number}"

    def indstilling_kb(self, item: Item) -> list[str]:
        body, title = item.meeting.body, item.title
        if body.advisory and item.action == "høring":
            points = [f"{body.name} udarbejder høringssvar til {lower_first(title, self.proper)}."]
        elif item.action == "godkend" and not body.advisory:
            points = [f"{title} godkendes."]
            if item.topic and item.topic.money and self.random() < 0.5:
                points.append(f"Der gives en tillægsbevilling på {money(self.random)}")
        elif self.random() < 0.2:
            points = ["Orienteringen tages til efterretning."]
        else:
            points = [f"{title} tages til efterretning."]
        return [f"{body.indstiller} indstiller, at", "\n".join(f"{i}. {p}" for i, p in enumerate(points, start=1))]

    def item_kb(self, item: Item) -> list[str]:
        if item.std:
            return self.standard_kb(item)
        meeting = item.meeting
        body, new_layout = meeting.body, meeting.date.year >= NEW_LAYOUT_FROM
        ctx = self.context(item)
        blocks = [item.case]
        if item.prior:
            blocks.append("Tidligere behandling")
            blocks.extend(self.treatment_line(p) for p in item.prior)
        if not new_layout and body.advisory and self.random() < 0.5:
            blocks.append({"høring": "Sagen er til høring", "godkend": "Sagen er til drøftelse."}.get(item.action, "Sagen er til orientering."))
        if new_layout:
            verb = {"godkend": "godkendelse", "høring": "høring" if body.advisory else "orientering"}.get(item.action, "orientering")
            opening = self.pick((f"Med sagen forelægges {body.name} {lower_first(item.title, self.proper)}.",
                                  f"{item.title} forelægges {body.name} til {verb}."))
            blocks += ["Indhold", "Sammendrag", f"{opening} {self.sentence(ctx)}" if self.random() < 0.6 else opening]
            if self.random() < 0.8:
                blocks += ["Baggrund", self.paragraph(ctx, 1, 4)]
        blocks.append("Sagsfremstilling")
        blocks += self.sagsfremstilling(item, ctx)
        blocks += self.earlier_council_mention(item)
        if new_layout and self.random() < 0.45:
            blocks += [self.pick(("Den videre proces", "Det videre forløb")), self.paragraph(ctx, 1, 3)]
        if new_layout and self.random() < 0.25:
            blocks += ["Yderligere deltagelse på mødet",
                       f"På {body.genitive} møde deltager {self.pick(V.STAFF_ROLES)}, {ctx['PERSON']}, under behandlingen af sagen."]
        count, recommended, titles = self.attachments(item)
        blocks += ["Økonomiske konsekvenser og finansiering", self.economy(item, ctx, terse=False)]
        blocks += ["Bilag", self.attachment_count(count, recommended)]
        blocks += ["Beslutningen træffes af", item.final.name]
        blocks += ["Indstilling", *self.indstilling_kb(item)]
        item.decision = self.decision(item, ctx)
        blocks += ["Beslutning", *item.decision]
        if self.random() < 0.01 and meeting.body.members[meeting.term]:
            blocks.append(f"{self.pick(meeting.body.members[meeting.term]).listed()} deltog ikke i sagens behandling.")
        if titles:
            blocks.append("Bilag")
            blocks += [f"ANBEFALES {t}" if i < recommended else t for i, t in enumerate(titles)]
        return blocks + self.afbud(meeting)

    def attachment_count(self, count: int, recommended: int) -> str:
        if not count:
            return "0 bilag"
        roll = self.random()
        if roll < 0.6:
            return f"{count} bilag, heraf {recommended} anbefales"
        if roll < 0.95:
            return f"{count} bilag heraf {recommended} anbefales."
        return f"{count} bilag, heraf {recommended} anbefales og 1 tilknyttet efter mødet"

    def afbud(self, meeting: Meeting) -> list[str]:
        if not meeting.absent or meeting.date.year < NEW_LAYOUT_FROM:
            return []
        line = "Afbud " + ", ".join(p.listed() for p in meeting.absent)
        if len(line) > 90 and self.random() < 0.4:  # the extraction wraps long lines
            cut = line.rfind(" ", 0, 80)
            line = line[:cut] + "\n" + line[cut + 1:]
        return [line]

    def standard_kb(self, item: Item) -> list[str]:
        meeting, body = item.meeting, item.meeting.body
        ctx = self.context(item)
        kind = item.std
        if kind == "lukket":
            return [item.case] if item.case else []
        if kind == "dagsorden":
            return ["Beslutningen træffes af", body.name, "Indstilling", f"{body.indstiller} indstiller, at",
                    "1. Dagsordenen godkendes.", "Beslutning", "Indstillingen godkendt"]
        if kind == "meddelelser":
            blocks = [item.case]
            notes = [self.sentence(ctx) for _ in range(self.between(1, 3))]
            blocks.append("\n".join(f"{i}. {n}" for i, n in enumerate(notes, start=1)))
            if self.random() < 0.2:
                blocks.append(f"<https://{self.m.slug}.dk/borger/{self.pick(('social', 'sundhed', 'seniorer', 'handicap'))}>")
            return blocks + ["Beslutning", "Taget til efterretning"] + self.afbud(meeting)
        if kind == "eventuelt":
            return ["Beslutning", self.pick(("Ingen bemærkninger", self.sentence(ctx)))]
        if kind == "evaluering":
            return [item.case, "Sagsfremstilling", "Fast punkt på dagsordenen, hvor medlemmerne kan tilkendegive, hvordan de synes, at mødet har været.",
                    "Økonomiske konsekvenser og finansiering", "Ingen økonomiske konsekvenser", "Bilag", "0 bilag",
                    "Beslutningen træffes af", body.name, "Indstilling", f"{body.indstiller} indstiller, at",
                    f"1. {body.genitive} møde evalueres.", "Beslutning", f"{body.name} bemærker, at det har været et godt møde."]
        if kind == "referat":
            return [item.case, "Beslutningen træffes af", body.name, "Indstilling",
                    'For at godkende referatet for dette møde skal alle medlemmer af udvalget klikke på "Godkendt".'] + self.afbud(meeting)
        # siden_sidst
        return [item.case, "Sagsfremstilling", f"{body.name} følger op på, hvad der er sket siden sidste møde. {self.sentence(ctx)}",
                "Økonomiske konsekvenser og finansiering", "Ingen økonomiske konsekvenser", "Bilag", "0 bilag",
                "Beslutningen træffes af", body.name, "Indstilling", f"{body.indstiller} indstiller, at",
                "1. Der følges op på, hvad der er sket siden sidste møde.", "Beslutning", "Ingen bemærkninger"]

    # -- items, Byråd (Ikast-Brande) layout --

    def item_byraad(self, item: Item) -> list[str]:
        if item.std:
            return self.standard_byraad(item)
        meeting = item.meeting
        body = meeting.body
        ctx = self.context(item)
        item.decision = self.decision(item, ctx)
        blocks = [item.case, "Beslutning", *item.decision]
        blocks += [f"{p.name} deltog ikke i sagens behandling pga. afbud." for p in meeting.absent if p.party]
        blocks.append("Behandlingsforløb")
        steps = item.chain or [item]
        blocks += [f"{s.meeting.body.name} {danish_date(s.meeting.date)}" for s in steps]
        blocks.append("Tidligere udvalgsbeslutninger")
        for earlier in item.prior:
            blocks.append(f"{earlier.meeting.body.name} den {danish_date(earlier.meeting.date)}, punkt {earlier.number}")
            if earlier.decision:
                if earlier.decision[0].startswith("For stemte"):
                    blocks.append(next(b for b in earlier.decision if b.startswith("Indstillingen blev dermed")))
                else:
                    blocks += earlier.decision[:2]
        blocks += ["Indstilling", f"{body.indstiller} indstiller, at", self.indstilling_byraad(item)]
        blocks.append("Sagsfremstilling")
        if self.random() < 0.3:
            blocks += ["Resumé", self.paragraph(ctx, 2, 4)]
        blocks += self.sagsfremstilling(item, ctx)
        blocks += self.earlier_council_mention(item)
        blocks += ["Budgetmæssige konsekvenser", self.economy(item, ctx, terse=True)]
        titles = self.attachments(item)[2]
        if titles:
            blocks.append("Bilag")
            blocks += titles
        return blocks

    def indstilling_byraad(self, item: Item) -> str:
        title = lower_first(item.title, self.proper)
        if item.action == "godkend" and not item.meeting.body.advisory:
            lines = [f"- {title} godkendes."]
            if item.topic and item.topic.money:
                lines.append(f"- der gives en tillægsbevilling til en merudgift på {money(self.random)}")
        elif self.random() < 0.5:
            lines = [f"- orienteringen om {title} tages til efterretning."]
        else:
            lines = [f"- {title} tages til efterretning."]
        return "\n".join(lines)

    def standard_byraad(self, item: Item) -> list[str]:
        ctx = self.context(item)
        if item.std == "lukket":
            return []
        if item.std == "dagsorden":
            return ["Beslutning", "Godkendt."]
        blocks = [item.case, "Formanden"]
        if self.random() < 0.6:
            blocks += [self.pick(self.subheadings).format_map(ctx), self.paragraph(ctx, 1, 2)]
        blocks += ["Øvrige udvalgsmedlemmer", "Direktør", self.pick(self.subheadings).format_map(ctx), self.paragraph(ctx, 1, 3)]
        if self.random() < 0.4:
            blocks += ["Bilag", f"Notat om {self.pick(V.INITIATIVES)}"]
        return blocks

    # -- documents --

    def meeting_header(self, meeting: Meeting) -> tuple[str, list[str]]:
        body, when = meeting.body, meeting.date
        title = f"REFERAT {body.name} d. {when.day:02d}-{when.month:02d}-{when.year}"
        lines = [f"Mødedato {V.WEEKDAYS[when.weekday()]} d. {when.day:02d}. {V.MONTHS[when.month - 1]} {when.year} kl. {body.hour:02d}:{body.minute:02d}",
                 f"Mødested {self.location(meeting)}"]
        if self.m.style == "kb":
            members = body.members[meeting.term] + body.staff[meeting.term]
            absent = meeting.absent
            lines.append("Mødedeltagere " + ", ".join(p.listed(p in absent) for p in members))
        return title, lines

    def location(self, meeting: Meeting) -> str:
        town = self.m.town
        roll = self.random()
        if self.m.style == "byraad":
            return f"{town} Rådhus - lokale {self.pick((101, 104, 201, 202, 210))}" if roll < 0.85 else "Byrådssalen"
        if roll < 0.55:
            return f"Mødecenter {self.pick('ABC')}, Lokale {self.between(1, 6)} på {town} Rådhus"
        if roll < 0.65:
            return "Virtuelt"
        if roll < 0.8:
            return "Kommunalbestyrelsessalen"
        inst = self.pick(self.m.institutions)
        return f"{inst.full}, {self.pick(V.STREETS)} {self.between(1, 80)}, {self.m.zip} {town}"

    def render(self, meeting: Meeting) -> tuple[str, int]:
        """The document's text and its item count."""
        body = meeting.body
        members = body.members[meeting.term] + body.staff[meeting.term]
        absentees = weighted(self.random, *ABSENTEES)
        meeting.absent = self.rng.sample(members, min(absentees, len(members)))
        render_item = self.item_kb if self.m.style == "kb" else self.item_byraad
        items = meeting.head + meeting.items + meeting.tail
        rendered = [(item, render_item(item)) for item in items]
        title, header = self.meeting_header(meeting)
        if meeting.html:
            return html_document(title, header, rendered), len(items)
        return text_document(title, header, rendered), len(items)


def toc_entry(title: str, page: int) -> str:
    """The extraction's TOC line: dot leaders, cut at ~97 characters."""
    entry = f"{title}....."
    if len(entry) > 97:
        entry = title[:97].rstrip()
    return f"{entry}\t{page}"


def text_document(title: str, header: list[str], rendered: list[tuple[Item, list[str]]]) -> str:
    parts = ["\n\n", title, "\n\n"]
    for line in header:
        parts += [line, "\n\n"]
    bodies = ["\n\n".join(blocks) for _, blocks in rendered]
    toc, page = [], 3
    for (item, _), text in zip(rendered, bodies):
        toc.append(toc_entry(item.title, page))
        page += 1 + len(text) // 2600
    parts += ["Indholdsfortegnelse\n\n", "\n".join(toc), "\n\n"]
    for (item, _), text in zip(rendered, bodies):
        parts.append(f"Punkt {item.number}: {item.title}\n\n")
        if text:
            parts += [text, "\n\n"]
    return "".join(parts).rstrip("\n") + "\n"


def html_document(title: str, header: list[str], rendered: list[tuple[Item, list[str]]]) -> str:
    """The same content as the text format, as a plain HTML5 page: <h1> for
    the meeting, <h2> per item, <h3> per section heading, <p> per block."""
    def esc(text: str) -> str:
        return html.escape(text, quote=False)

    out = ['<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n<title>', esc(title),
           "</title>\n</head>\n<body>\n<h1>", esc(title), "</h1>\n"]
    out += [f"<p>{esc(line)}</p>\n" for line in header]
    out.append("<nav>\n<p>Indholdsfortegnelse</p>\n<ul>\n")
    page = 3
    for item, blocks in rendered:
        out.append(f"<li>{esc(toc_entry(item.title, page))}</li>\n")
        page += 1 + sum(len(b) for b in blocks) // 2600
    out.append("</ul>\n</nav>\n")
    for item, blocks in rendered:
        out.append(f"<section>\n<h2>{esc(f'Punkt {item.number}: {item.title}')}</h2>\n")
        for block in blocks:
            if block in HEADINGS:
                out.append(f"<h3>{esc(block)}</h3>\n")
            else:
                out.append(f"<p>{esc(block).replace(chr(10), '<br>' + chr(10))}</p>\n")
        out.append("</section>\n")
    out.append("</body>\n</html>\n")
    return "".join(out)


# --- one municipality, then the world ---------------------------------------------------


def generate_municipality(out: Path, name: str, budget: int, years: list[int], seed: int, html_share: float) -> _Partial:
    """Plan, render and write one municipality; nothing is kept afterwards."""
    model = V.load_model()
    rng = random.Random(f"{seed}:{name}")
    municipality = build_municipality(name, rng, model)
    meetings: list[Meeting] = []
    for year, year_budget in zip(years, split(budget, len(years))):
        if year_budget:
            meetings += calendar(municipality, year, year_budget, rng)
    meetings.sort(key=lambda m: (m.ordinal, KIND_ORDER[m.body.kind.kind]))
    planner = Planner(municipality, rng, model)
    planner.plan(meetings)
    for meeting in meetings:
        meeting.html = rng.random() < html_share
    writer = Writer(municipality, rng, model, pool_size=max(1500, min(8000, budget // 2)))
    folder = out / municipality.slug
    folder.mkdir(parents=True, exist_ok=True)
    partial = _Partial(cases_multi_body=planner.multi_body)
    for meeting in meetings:
        text, count = writer.render(meeting)
        suffix = "html" if meeting.html else "txt"
        path = folder / f"{meeting.body.slug}-{meeting.date.isoformat()}-referat.{suffix}"
        data = text.encode("utf-8")
        path.write_bytes(data)
        partial.files += 1
        partial.meetings += 1
        partial.items += count
        partial.bytes += len(data)
        partial.html_documents += meeting.html
    gazetteer = _gazetteer_text(municipality).encode("utf-8")
    (folder / "institutions.tsv").write_bytes(gazetteer)
    partial.files += 1
    partial.bytes += len(gazetteer)
    return partial


def _gazetteer_text(municipality: Municipality) -> str:
    """The municipality's institutions in the corpus's gazetteer format, so
    the indexer's institution lookup is part of what gets measured."""
    lines = [f"# Gazetteer of {municipality.name} institutions, written by bench.generate.", "# name\tkind\taliases (separated by ;)"]
    for inst in municipality.institutions:
        aliases = inst.full if inst.full != inst.name else ""
        lines.append(f"{inst.name}\t{inst.kind}\t{aliases}")
    return "\n".join(lines) + "\n"


def _run(args: tuple[Path, str, int, list[int], int, float]) -> _Partial:
    return generate_municipality(*args)


def prepare_output(out: Path) -> None:
    """Start from an empty folder. A folder holding an earlier run (it has our
    manifest) is cleared; anything else that is not empty is refused."""
    if out.exists() and any(out.iterdir()):
        manifest = out / MANIFEST
        if not manifest.is_file():
            raise FileExistsError(f"{out} is not empty and was not written by bench.generate; refusing to overwrite it")
        previous = json.loads(manifest.read_text(encoding="utf-8"))
        for slug in previous.get("municipalities", []):
            target = out / slug
            if target.is_dir() and target.resolve().parent == out.resolve():
                shutil.rmtree(target)
        manifest.unlink()
    out.mkdir(parents=True, exist_ok=True)


def generate(out: Path, items: int, seed: int = 1, html_share: float = 0.1, jobs: int = 1) -> GenerationSummary:
    """Write an archive of exactly `items` agenda items under `out`.

    The same (items, seed, html_share) and corpus give a byte-identical tree;
    `jobs` only changes how fast it is written.
    """
    if items < 1:
        raise ValueError("items must be at least 1")
    if not 0.0 <= html_share <= 1.0:
        raise ValueError("html_share must be between 0 and 1")
    started = time.perf_counter()
    out = Path(out)
    model = V.load_model()
    prepare_output(out)
    count, span = world_shape(items)
    names = chosen_municipalities(count, seed)
    years = list(range(FINAL_YEAR - span + 1, FINAL_YEAR + 1))
    tasks = [(out, name, budget, years, seed, html_share) for name, budget in zip(names, split(items, count))]
    if jobs > 1 and len(tasks) > 1:
        with multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn").Pool(min(jobs, len(tasks))) as pool:
            partials = pool.map(_run, tasks, chunksize=1)
    else:
        partials = [_run(task) for task in tasks]
    manifest = {
        "generator": "bench.generate", "version": GENERATOR_VERSION, "items": items, "seed": seed,
        "html_share": html_share, "corpus_digest": model.digest, "years": [years[0], years[-1]],
        "municipalities": [V.slugify(name) for name in names],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    total = _Partial()
    for partial in partials:
        for key, value in asdict(partial).items():
            setattr(total, key, getattr(total, key) + value)
    if total.items != items:  # the planner's contract; a mismatch is a bug, not a warning
        raise AssertionError(f"wrote {total.items} items, asked for {items}")
    return GenerationSummary(
        files=total.files + 1, items=total.items, meetings=total.meetings, municipalities=count,
        cases_multi_body=total.cases_multi_body, seconds=time.perf_counter() - started, bytes=total.bytes,
        years=span, html_documents=total.html_documents, corpus_digest=model.digest,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output folder (must be empty or an earlier bench.generate output)")
    parser.add_argument("--items", type=int, required=True, help="exact number of agenda items to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--html-share", type=float, default=0.1, help="share of meetings written as HTML (default 0.1)")
    parser.add_argument("--jobs", type=int, default=0,
                        help="worker processes, 0 = one per CPU (default); the output is identical for any value")
    args = parser.parse_args(argv)
    try:
        jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
        summary = generate(args.out, args.items, args.seed, args.html_share, jobs)
    except (ValueError, FileExistsError) as error:
        parser.error(str(error))
    print(f"bench.generate → {args.out}")
    print(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
