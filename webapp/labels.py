"""Danish presentation of values: dates, numbers, kinds, facet values.

Kept apart from the views so templates, feeds and CSV files word things the
same way.
"""

from __future__ import annotations

from flask import Flask, current_app, has_app_context

from indexer.parser import slugify
from indexer.schema import FACET_BY_KEY

MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)
KIND_LABELS = {"referat": "Referat", "dagsorden": "Dagsorden", "notat": "Notat"}
SORT_LABELS = {"relevance": "Relevans", "date": "Nyeste først", "date_asc": "Ældste først"}
NO_COUNCIL = "Notater"  # what Archive.councils() calls documents without a council


def da_date(value: str | None) -> str:
    """2025-05-06 → "6. maj 2025"; anything unparseable is shown as it is.

    Babel was weighed for this and `da_number` (issue #12 §7) and left out:
    `format_date(d, format="long", locale="da_DK")` and `format_decimal` give
    exactly these strings ("6. maj 2025", "1.234.567"; Babel 2.19, checked),
    but they cost a 36 MB dependency of CLDR data for one locale, two
    patterns and twelve month names that do not change."""
    if not value:
        return "uden dato"
    try:
        year, month, day = (int(part) for part in value.split("-"))
        return f"{day}. {MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return value


def da_number(value: int) -> str:
    """1234 → "1.234" (Danish thousands separator)."""
    return f"{value:,}".replace(",", ".")


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", (kind or "").capitalize())


def sentence_case(text: str | None) -> str:
    """Decision kinds are stored lower case ("taget til efterretning")."""
    return (text[:1].upper() + text[1:]) if text else ""


def facet_label(key: str) -> str:
    facet = FACET_BY_KEY.get(key)
    return facet.label if facet else key


def facet_value_label(key: str, value: str) -> str:
    if key == "kle":
        return kle_label(value)
    if key == "kind":
        return kind_label(value)
    if key == "decision_kind":
        return sentence_case(value)
    return value


def kle_label(code: str | None) -> str:
    """ "27.69" → "27.69 Retssikkerhed" when the app was given a KLE file (`--kle`)."""
    if not code:
        return ""
    titles = current_app.config.get("KLE") if has_app_context() else None
    return titles.label(code) if titles else code


def kle_path(code: str | None) -> list[str]:
    """ "27.69.48" → ["27 Social service", "27.69 Retssikkerhed", "27.69.48 Handicapråd"]."""
    if not code:
        return []
    parts = code.split(".")
    return [kle_label(".".join(parts[: n + 1])) for n in range(len(parts))]


def council_name(council: str | None) -> str:
    return council or NO_COUNCIL


def council_slug(council: str | None) -> str:
    return slugify(council_name(council))


def decision_detail(decision: str | None, kind: str | None) -> str:
    """The decision text when it says more than its kind badge does.

    Most decisions read just "Taget til efterretning." or "Godkendt"; shown
    beside a badge with the same words they only repeat it.
    """
    text = (decision or "").strip()
    if not text:
        return ""
    def bare(value: str) -> str:
        return " ".join(value.casefold().rstrip(".!").split())
    return "" if kind and bare(text) == bare(kind) else text


def file_name(path: str | None) -> str:
    """corpus/ballerup/socialudvalget-2025-05-06-referat.txt → the file's own name."""
    return (path or "").replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def public_url(path: str) -> str:
    """/punkt/x → https://arkiv.example.dk/punkt/x: the configured public
    address (--base-url), for addresses printed on paper."""
    base = current_app.config.get("BASE_URL", "") if has_app_context() else ""
    return base + path if path.startswith("/") else path


def paragraphs(text: str | None) -> list[str]:
    """Section text split at blank lines; single newlines stay (CSS pre-line)."""
    return [p.strip("\n") for p in (text or "").split("\n\n") if p.strip()]


def register(app: Flask) -> None:
    app.add_template_filter(da_date)
    app.add_template_filter(da_number)
    app.add_template_filter(kind_label)
    app.add_template_filter(sentence_case)
    app.add_template_filter(facet_value_label)
    app.add_template_filter(paragraphs)
    app.add_template_filter(decision_detail)
    app.add_template_filter(file_name)
    app.add_template_filter(public_url)
    app.add_template_global(facet_label)
    app.add_template_global(kle_path)
    app.add_template_global(council_slug)
    app.add_template_global(council_name)
    app.add_template_global(slugify)
