"""The generated world: municipalities, their bodies, people and institutions,
and how many of them a requested size needs (bench.generate's first step).

Each municipality is its own random stream (`build_municipality`), so a world
is the same whatever order or process builds it.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field

from . import vocabulary as V

ITEMS_PER_YEAR = 1500
FINAL_YEAR = 2025
FIRST_YEAR = 2007  # the municipal reform; no archive of today's municipalities is older
MAX_YEARS = 10
TERM_STARTS = (2007, 2010, 2014, 2018, 2022, 2026)
NEW_LAYOUT_FROM = 2023  # Ballerup's minutes gained Indhold/Sammendrag/Baggrund around then
CHAIN_WINDOW_DAYS = 75



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


