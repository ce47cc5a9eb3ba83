"""Query-string parsing and validation shared by pages, exports and the API.

The whole state of a search lives in the URL so a search can be bookmarked
and shared. `parse_search` reads it, validated once, into the search's own
`SearchRequest`; `search_url` and the functions beside it build the URLs that
change one part of it (add or remove a filter, sort, page), so every link on
the results page keeps everything else.

Bad input is answered with `BadParameter` (a 400 with a Danish message),
never by guessing: a page number that is not a number is a broken link the
user should hear about, not silently page 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from indexer.query import FIELD_ALIASES, MAX_QUERY_CHARS, without_spans
from indexer.search import MAX_TREATED_BY, MAX_WINDOW, TREATED_BY, AppliedFilter, SearchRequest
from indexer.schema import FACET_KEYS

SORTS = ("relevance", "date", "date_asc")
GROUPS = ("case",)  # group=case: one line per case
# Every filter the URL carries: the facets, and "behandlet af" (cases treated by all the given bodies).
FILTER_KEYS = (*FACET_KEYS, TREATED_BY)
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
# The deepest page, whatever per_page is (a bound that does not depend on
# another parameter, so the OpenAPI document can state it): at the default
# page size it reaches the last result of the window; past the window a page
# is simply empty.
MAX_PAGE = MAX_WINDOW // DEFAULT_PER_PAGE
# A meeting's agenda is shown a page at a time (a meeting of 100,000 items
# once made a 16 MB page and a 25 MB API answer).
MEETING_ITEMS_PER_PAGE = 200
MAX_MEETING_ITEMS_PER_PAGE = 1000
MAX_MEETING_PAGE = 1_000_000
MAX_VALUES_PER_FACET = 20
MAX_VALUE_CHARS = 200
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# URL parameter name → the bound it sets; the Danish names are the ones the
# pages write, the English ones are accepted by the API as well.
DATE_PARAMS = {"fra": "from", "til": "to", "date_from": "from", "date_to": "to"}


class BadParameter(BadRequest):
    """A 400 whose description is a Danish sentence meant for the user."""


# --- a search's links ---------------------------------------------------------------
# The request is `indexer.search.SearchRequest` itself (one request type);
# the web layer only parses it from a URL and writes it back into one.


def query_pairs(request: SearchRequest) -> list[tuple[str, str]]:
    """The request as URL parameters, defaults left out so URLs stay short."""
    pairs: list[tuple[str, str]] = []
    if request.q:
        pairs.append(("q", request.q))
    for key in FILTER_KEYS:
        pairs.extend((key, value) for value in request.filters.get(key, ()))
    if request.date_from:
        pairs.append(("fra", request.date_from))
    if request.date_to:
        pairs.append(("til", request.date_to))
    if request.sort != "relevance":
        pairs.append(("sort", request.sort))
    if request.group:
        pairs.append(("group", request.group))
    if request.per_page != DEFAULT_PER_PAGE:
        pairs.append(("per_page", str(request.per_page)))
    if request.page != 1:
        pairs.append(("page", str(request.page)))
    return pairs


def search_url(request: SearchRequest, path: str = "/soeg") -> str:
    pairs = query_pairs(request)
    return f"{path}?{urlencode(pairs)}" if pairs else path


def changed(request: SearchRequest, **changes: object) -> SearchRequest:
    """The request with some parts changed; any change but the page starts
    again at page 1 (a new sort or query has its own first page)."""
    return replace(request, **{"page": 1, **changes})


def max_page(request: SearchRequest) -> int:
    """The deepest page the search layer can reach (it stops at MAX_WINDOW hits)."""
    return max(1, MAX_WINDOW // request.per_page)


def with_filter(request: SearchRequest, key: str, value: str) -> SearchRequest:
    current = tuple(request.filters.get(key, ()))
    if value in current:
        return changed(request)
    return changed(request, filters={**request.filters, key: (*current, value)})


def without(request: SearchRequest, applied: Iterable[AppliedFilter]) -> SearchRequest:
    """The request without the given filters, exactly as they were given: a
    URL parameter by its value, a token typed into the query by its span
    (`AppliedFilter`, recorded by the search), nothing else touched."""
    applied = list(applied)
    from_url = {(given.key, given.typed) for given in applied if given.origin == "url"}
    filters = {key: tuple(v for v in values if (key, v) not in from_url) for key, values in request.filters.items()}
    spans = [(given.start, given.end) for given in applied
             if given.origin == "q" and given.start is not None and given.end is not None]
    return changed(
        request, filters=filters, q=without_spans(request.q, spans) if spans else request.q,
        date_from=None if ("from", request.date_from) in from_url else request.date_from,
        date_to=None if ("to", request.date_to) in from_url else request.date_to,
    )


def for_export(request: SearchRequest) -> SearchRequest:
    """Feeds and CSV files are lists of the newest matching items, not a
    page, and not folded into cases (a row per item keeps every decision)."""
    return replace(request, page=1, sort="date", per_page=DEFAULT_PER_PAGE, group=None, snippets=True)


# --- parsing ---------------------------------------------------------------------


def parse_int(args: MultiDict, name: str, default: int, low: int, high: int, label: str) -> int:
    """The parameter as a number in [low, high]; absent → `default`. Present
    but empty ("page=") is as broken a link as "page=x": said, not guessed."""
    raw = args.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    if not re.fullmatch(r"\d{1,7}", raw):
        raise BadParameter(f"{label} skal være et helt tal mellem {low} og {high}.")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(f"{label} skal være et helt tal mellem {low} og {high}.")
    return value


def parse_date(value: str | None, label: str) -> str | None:
    raw = (value or "").strip()
    if not raw:
        return None
    if not ISO_DATE.fullmatch(raw):
        raise BadParameter(f"{label} skal skrives som ÅÅÅÅ-MM-DD, fx 2025-05-06.")
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise BadParameter(f"{label} «{raw}» er ikke en gyldig dato.") from None


def parse_filters(args: MultiDict) -> dict[str, tuple[str, ...]]:
    filters: dict[str, tuple[str, ...]] = {}
    for key in FILTER_KEYS:
        # one name per filter in both languages: ?kommune= is ?municipality=, ?råd= is ?council=
        names = [key, *(alias for alias, target in FIELD_ALIASES.items() if target == key and alias != key)]
        given = [value for name in names for value in args.getlist(name)]  # limits count what was sent
        if len(given) > MAX_VALUES_PER_FACET:
            raise BadParameter(f"Højst {MAX_VALUES_PER_FACET} værdier pr. filter ({key}).")
        if key == TREATED_BY and len(set(given)) > MAX_TREATED_BY:
            raise BadParameter(f"Højst {MAX_TREATED_BY} organer i «behandlet af» ({key}).")
        if any(len(v) > MAX_VALUE_CHARS for v in given):
            raise BadParameter(f"En filterværdi ({key}) er for lang (højst {MAX_VALUE_CHARS} tegn).")
        values = [printable(v).strip() for v in given if v and printable(v).strip()]
        if values:
            filters[key] = tuple(dict.fromkeys(values))
    return filters


def parse_dates(args: MultiDict) -> tuple[str | None, str | None]:
    bounds: dict[str, str | None] = {"from": None, "to": None}
    for name, bound in DATE_PARAMS.items():
        label = "Fra-datoen" if bound == "from" else "Til-datoen"
        value = parse_date(args.get(name), label)
        if value is not None:
            bounds[bound] = value
    if bounds["from"] and bounds["to"] and bounds["from"] > bounds["to"]:
        raise BadParameter("Fra-datoen ligger efter til-datoen.")
    return bounds["from"], bounds["to"]


def printable(text: str) -> str:
    """Control characters (and lone surrogates) become spaces: they mean
    nothing in a search, and would make the Atom feed invalid XML."""
    return "".join(ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else " " for ch in text)


def parse_search(args: MultiDict) -> SearchRequest:
    """Validate every search parameter; raises BadParameter with the reason."""
    q = printable(args.get("q") or "")
    sort = (args.get("sort") or "").strip() or "relevance"
    if sort not in SORTS:
        raise BadParameter("Sortering skal være relevance, date eller date_asc.")
    if len(q) > MAX_QUERY_CHARS:
        raise BadParameter(f"Søgningen er for lang ({len(q)} tegn); højst {MAX_QUERY_CHARS} tegn.")
    per_page = parse_int(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, "Antal pr. side (per_page)")
    page = parse_int(args, "page", 1, 1, MAX_PAGE, "Sidetallet (page)")
    date_from, date_to = parse_dates(args)
    group = (args.get("group") or "").strip() or None
    if group is not None and group not in GROUPS:
        raise BadParameter("Gruppering (group) skal være case (én linje pr. sag) eller udeladt.")
    return SearchRequest(
        q=q,
        filters=parse_filters(args),
        sort=sort,
        page=page,
        per_page=per_page,
        date_from=date_from,
        date_to=date_to,
        group=group,
    )


@dataclass(frozen=True)
class MeetingPage:
    """Which part of a meeting's agenda a request shows."""

    page: int
    per_page: int

    def bounds(self, total: int) -> tuple[int, int]:
        start = min(total, (self.page - 1) * self.per_page)
        return start, min(total, start + self.per_page)

    def last_page(self, total: int) -> int:
        return max(1, -(-total // self.per_page))


def parse_meeting_page(args: MultiDict, default_per_page: int = MEETING_ITEMS_PER_PAGE) -> MeetingPage:
    per_page = parse_int(args, "per_page", default_per_page, 1, MAX_MEETING_ITEMS_PER_PAGE, "Antal pr. side (per_page)")
    return MeetingPage(page=parse_int(args, "page", 1, 1, MAX_MEETING_PAGE, "Sidetallet (page)"), per_page=per_page)
