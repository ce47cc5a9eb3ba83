"""Rendering a planned meeting as minutes text in the corpus's own layouts
(bench.generate's third step): headers, items, sections, earlier treatments,
votes and attendance, with prose sampled from `bench.vocabulary`'s model.
"""

from __future__ import annotations

import random
import re
from datetime import date

from . import vocabulary as V
from .formats import html_document, text_document
from .planner import Item, Meeting
from .world import (
    ABSENTEES, ATTACHMENT_COUNTS, FINAL_YEAR, NEW_LAYOUT_FROM, VOTE_SIDES, Municipality, Person, weighted,
)

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


