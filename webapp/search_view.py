"""What the results page shows, computed from a SearchRequest and its SearchResponse.

Templates stay free of URL logic: every facet link, removable filter, sort
option and page link arrives here ready-made, each URL carrying the whole
state so a result page can be bookmarked and shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from math import ceil

from markupsafe import Markup

from indexer.grouping import CaseLine
from indexer.schema import FACETS
from indexer.search import TREATED_BY, Hit, SearchRequest, SearchResponse
from indexer.people import PersonOffer
from .serialize import case_url, item_url, meeting_url, person_url, snippet_html

from .feeds import search_title
from .labels import SORT_LABELS, da_date, facet_value_label
from .params import SORTS, changed, for_export, max_page, search_url, with_filter, without

PAGE_WINDOW = 2  # pages shown on each side of the current one
FACET_SHOWN = 6  # values of a facet listed before "Vis flere"
SNIPPET_CHARS = 320  # visible characters of a result's snippet: about four lines
_SNIPPET_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|[^<&]+|[<&]")
_EMPTY_OPEN_TAG = re.compile(r"<[a-z][^>]*>\s*$")


@dataclass
class Link:
    label: str
    url: str
    current: bool = False
    count: int | None = None


@dataclass
class FacetGroup:
    key: str
    label: str
    values: list[Link]

    @property
    def shown(self) -> list[Link]:
        """The values listed at once; the rest sit behind "Vis flere"."""
        return self.values if len(self.values) <= FACET_SHOWN + 1 else self.values[:FACET_SHOWN]

    @property
    def more(self) -> list[Link]:
        return self.values[len(self.shown):]

    @property
    def more_open(self) -> bool:
        """A selected value is never hidden behind "Vis flere"."""
        return any(link.current for link in self.more)


@dataclass
class ResultRow:
    hit: Hit
    url: str
    meeting_url: str
    case_url: str | None
    snippet: Markup


@dataclass
class TreatmentStep:
    """One body's treatment on a case line, linked when the item is in the archive."""

    council: str
    date: str
    url: str | None
    items: int = 1  # archived items of this body on this date (one meeting can take a case in several items)


@dataclass
class CaseRow:
    """A line of the grouped view: a case, or an item without a case number."""

    line: CaseLine
    url: str  # the case page, or the item's page for an item without a case number
    hit_url: str  # the best matching item
    steps: list[TreatmentStep]
    snippet: Markup


@dataclass
class ResultsView:
    rows: list[ResultRow]
    facets: list[FacetGroup]
    active: list[Link]
    sorts: list[Link]
    pages: list[Link]
    previous: str | None
    next: str | None
    first_page: str  # shown when the page asked for is past the last one
    first_number: int
    last_page: int
    suggestion_url: str | None
    atom_url: str
    csv_url: str
    page_out_of_range: bool = False
    notes: list[str] = field(default_factory=list)
    case_link: str | None = None  # "Gå til sagen": the query is a case number the archive knows
    person_links: list[PersonJump] = field(default_factory=list)  # "Gå til personen": the query is a person's name
    jsonl_url: str = ""
    grouped: bool = False  # one line per case (`lines`)
    lines: list[CaseRow] = field(default_factory=list)
    views: list[Link] = field(default_factory=list)  # "Alle punkter" | "Én linje pr. sag"
    original_url: str | None = None  # the results are for a corrected query: search for what was typed instead
    feed_title: str = ""  # the Atom feed's title, "Rådsarkiv: søgning: tilsyn, Socialudvalget"


def trim_snippet(html: str, limit: int = SNIPPET_CHARS) -> str:
    """A snippet shortened to about `limit` visible characters.

    The snippet is escaped text with <mark> tags (see result_row); it is cut
    between words, never inside a tag or an entity, an open <mark> is closed,
    and "…" marks text left out at either end.
    """
    out: list[str] = []
    visible = 0
    open_marks = 0
    cut = False
    first_text: str | None = None
    for token in _SNIPPET_TOKEN.findall(" ".join(html.split())):
        if token.startswith("<") and len(token) > 1:
            if token.startswith("</"):
                open_marks = max(0, open_marks - 1)
            elif not token.endswith("/>"):
                open_marks += 1
            out.append(token)
            continue
        if first_text is None and token.strip():
            first_text = token.lstrip()
        size = 1 if token.startswith("&") else len(token)
        if visible + size <= limit:
            out.append(token)
            visible += size
            continue
        if not token.startswith("&"):
            room = token[: limit - visible]
            space = room.rfind(" ")
            out.append(room[:space] if space > 0 else "")
        cut = True
        break
    text = "".join(out).rstrip(" ,;:-–")
    if cut:
        while (empty := _EMPTY_OPEN_TAG.search(text)) is not None:  # a <mark> cut off before its word
            text = text[: empty.start()].rstrip(" ,;:-–")
            open_marks -= 1
        text += "</mark>" * open_marks + " …"
    if first_text and first_text[0].islower():
        text = "… " + text  # the snippet starts mid-sentence
    return text


def result_row(hit: Hit) -> ResultRow:
    """A hit with its links. The snippet is the one piece of HTML rendered
    unescaped: Archive.search escapes the text and adds only <mark> tags."""
    return ResultRow(
        hit=hit,
        url=item_url(hit.id),
        meeting_url=meeting_url(hit.meeting_id),
        case_url=case_url(hit.case_number) if hit.case_number else None,
        snippet=Markup(trim_snippet(snippet_html(hit.snippet))),
    )


def case_row(line: CaseLine) -> CaseRow:
    """A case line with its links: the case page, the best item, each archived treatment."""
    steps: list[TreatmentStep] = []
    for t in line.treatments:
        date = da_date(t.date) if t.date else "uden dato"
        previous = steps[-1] if steps else None
        if previous and t.item_id and previous.url and (previous.council, previous.date) == (t.council, date):
            previous.items += 1  # "Socialudvalget, 6. maj 2025 (3 punkter)", not the same step three times
            continue
        steps.append(TreatmentStep(t.council, date, item_url(t.item_id) if t.item_id else None))
    return CaseRow(
        line=line,
        url=case_url(line.case_number) if line.case_number else item_url(line.hit.id),
        hit_url=item_url(line.hit.id),
        steps=steps,
        snippet=Markup(trim_snippet(snippet_html(line.hit.snippet))),
    )


def facet_groups(state: SearchRequest, response: SearchResponse) -> list[FacetGroup]:
    groups = []
    for facet in FACETS:
        values = response.facets.get(facet.key, [])
        links = []
        for value in values:
            target = without(state, _selecting(response, facet.key, value.value)) if value.selected else with_filter(state, facet.key, value.value)
            links.append(Link(facet_value_label(facet.key, value.value), search_url(target), value.selected, value.count))
        if links:
            groups.append(FacetGroup(facet.key, facet.label, links))
    return groups


def active_filters(state: SearchRequest, response: SearchResponse) -> list[Link]:
    """Every filter in force, each with the URL that removes it."""
    active = []
    for facet in FACETS:
        for given in (a for a in response.applied if a.key == facet.key):
            # one chip per filter as given: "lov:§ 85" selects § 85 in every law, one chip
            shown = facet_value_label(facet.key, given.values[0]) if len(given.values) == 1 else given.typed
            active.append(Link(f"{facet.label}: {shown}", search_url(without(state, [given])), True))
    for given in (a for a in response.applied if a.key == TREATED_BY):
        shown = given.values[0] if given.values else given.typed
        active.append(Link(f"Behandlet af: {shown}", search_url(without(state, [given])), True))
    if response.date_from or response.date_to:
        span = f"{da_date(response.date_from) if response.date_from else '…'} – {da_date(response.date_to) if response.date_to else '…'}"
        bounds = [a for a in response.applied if a.key in ("from", "to")]
        active.append(Link(f"Periode: {span}", search_url(without(state, bounds)), True))
    return active


def _selecting(response: SearchResponse, key: str, value: str) -> list:
    """The filters in force that select `value` (a selected facet value's link removes them)."""
    return [given for given in response.applied if given.key == key and value in given.values]


@dataclass
class PersonJump:
    """"Gå til personen: Tina Rottbøll (Byråd)", and the search narrowed to the
    items that name her (a name search also finds the items she only took part in)."""

    label: str
    url: str
    named_url: str | None  # None when the search is already narrowed to a person


def person_link(state: SearchRequest, offer: PersonOffer) -> PersonJump:
    councils = ", ".join(offer.councils[:2])  # the bodies they sat in most
    label = f"{offer.name} ({councils})" if councils else offer.name
    narrowed = "person" in state.filters or re.search(r"(?i)\b(?:person|navn):", state.q)
    return PersonJump(label, person_url(offer.id), None if narrowed else search_url(with_filter(state, "person", offer.name)))


def page_links(state: SearchRequest, last_page: int) -> list[Link]:
    low = max(1, state.page - PAGE_WINDOW)
    high = min(last_page, state.page + PAGE_WINDOW)
    numbers = sorted({1, last_page, *range(low, high + 1)}) if last_page > 1 else []
    return [Link(str(n), search_url(changed(state, page=n)), n == state.page) for n in numbers]


def build_results(state: SearchRequest, response: SearchResponse) -> ResultsView:
    last_page = min(max(1, ceil(response.total / state.per_page)), max_page(state))
    export = for_export(state)
    grouped = response.groups is not None
    views = [Link("Alle punkter", search_url(changed(state, group=None)), not grouped),
             Link("Én linje pr. sag", search_url(changed(state, group="case")), grouped)]
    return ResultsView(
        rows=[] if grouped else [result_row(hit) for hit in response.results],
        grouped=grouped,
        lines=[case_row(line) for line in response.groups or []],
        views=views,
        jsonl_url=search_url(export, "/soeg.jsonl"),
        facets=facet_groups(state, response),
        active=active_filters(state, response),
        sorts=[Link(SORT_LABELS[s], search_url(changed(state, sort=s)), s == state.sort) for s in SORTS],
        pages=page_links(state, last_page),
        previous=search_url(changed(state, page=state.page - 1)) if state.page > 1 else None,
        next=search_url(changed(state, page=state.page + 1)) if state.page < last_page else None,
        first_page=search_url(changed(state, page=1)),
        first_number=(state.page - 1) * state.per_page + 1,
        last_page=last_page,
        suggestion_url=search_url(changed(state, q=response.suggestion)) if response.suggestion and not response.corrected_from else None,
        case_link=case_url(response.case) if response.case else None,
        person_links=[person_link(state, offer) for offer in response.people],
        original_url=search_url(changed(state, q=response.corrected_from)) if response.corrected_from else None,
        atom_url=search_url(export, "/soeg.atom"),
        feed_title=search_title(export),
        csv_url=search_url(export, "/soeg.csv"),
        page_out_of_range=response.total > 0 and state.page > last_page,
        notes=list(response.notes),
    )
