"""Planning one municipality's archive: the meeting calendar, the cases that
travel between bodies, item numbering (bench.generate's second step).

The plan is slots only (no text): a municipality plans ~15,000 records, which
the writer then renders one meeting at a time.
"""

from __future__ import annotations

import bisect
import random
from datetime import date, timedelta

from . import vocabulary as V
from .world import (
    CHAIN_WINDOW_DAYS, KIND_ORDER, NEW_LAYOUT_FROM, PARTY_LETTERS, TERM_STARTS, Body, Institution, Municipality,
    Person, cumulative, weighted,
)

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


