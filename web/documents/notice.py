"""The "Where does my data go?" notice as text: a child's version and a parent's, in Markdown,
HTML or PDF, as of a day (the `Notice`'s `as_of`: flows that had ended by then are left out).

Both versions are written from the same `Notice` (graph.transparency) into a small list of
blocks (headings, paragraphs, lists), then serialised; so the three formats say the same thing.
A link inside a block's text is made by `link(text, url)` and becomes `<a href>` in HTML,
`[text](url)` in Markdown and a clickable link in the PDF; `#name` links go to a block's anchor.

The child's version has a main part (per group of data: who gets it, grouped by kind, why and for
how long, in a few short lines; at most 800 words and Flesch reading ease at least 80, both
measured in the tests with `web.documents.readability`) and a part with every place by name,
behind a link (`part="places"`, or an appendix with `part="all"`). The parent's version opens
with a summary (who gets what, why, for how long, and where the school is unsure), then the
details by group with plain labels and linked references. Neither states anything the graph
does not hold: a missing fact is said to be missing.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from graph.names import Labels
from graph.results import ActorRef, SourceRef
from graph.transparency import Notice, NoticeGroup, Recipient
from web.documents.words import count, noun_for

DISPUTED = "we show both sides and do not pick one."
CHILD_PURPOSE = {
    "direct_schooling_and_support": "to teach you",
    "administration_and_accountability": "to run schools",
    "safeguarding_and_social_care": "to keep you safe",
    "permanent_retention": "to keep a record for good",
    "public_interest_research": "for research",
    "other_research": "for research",
    "other_national_and_local": "for other work of the state",
    "immigration_enforcement": "to check who may live in the UK",
    "law_enforcement": "for the police and the law",
    "commercial": "for a business",
}
CHILD_TYPE = {  # an organisation's type, in a child's words (singular: see words.count)
    "commercial": "app or firm",
    "supplier": "app or firm",
    "media": "news firm",
    "academic": "research group",
    "charity": "charity",
    "government": "part of the government",
    "health": "health service",
    "police": "police force",
    "local_authority": "council",
    "school": "school",
}
CHILD_KIND = {  # a node kind that says more than its type, in a child's words
    "Product": "app or firm",
    "Supplier": "app or firm",
    "Dataset": "government database",
    "NationalBody": "part of the government",
    "LocalAuthority": "council",
}
PARENT_TYPE = {  # an organisation's type, in plain words (singular)
    "commercial": "company",
    "supplier": "supplier",
    "media": "media organisation",
    "academic": "research body",
    "charity": "charity",
    "government": "government body",
    "health": "health body",
    "police": "police force",
    "local_authority": "local authority",
    "school": "school",
    "other": "other organisation",
}
PARENT_KIND = {
    "Product": "school system or app",
    "Supplier": "supplier",
    "Dataset": "national dataset",
    "NationalBody": "government body",
    "LocalAuthority": "local authority",
    "Trust": "academy trust",
    "School": "school",
}
CONFLICT_LABEL = {  # what a hop's sources disagree about, in plain words
    "storage_country": "where the data is kept",
    "items": "which data is passed on",
    "tier": "the NPD tier",
    "retention": "how long it is kept",
    "lawful_basis": "the lawful basis",
}
CHILD_RIGHTS = [
    "You can ask your school what data it has about you.",
    "You can ask to see it.",
    "If it is wrong, you can ask the school to fix it.",
    "You can say no to some uses of it.",
    "If you are not happy, you or your parent can tell the ICO. The ICO checks that data is "
    "used in the right way.",
]
PARENT_RIGHTS = [
    "You have the right to be told how personal data is used (UK GDPR Articles 13 and 14) and "
    "to ask the school for a copy of the data it holds (Article 15).",
    "You can ask for wrong data to be corrected (Article 16), and in some cases for data to be "
    "erased or its use restricted (Articles 17 and 18).",
    "You can object to processing based on a public task or legitimate interests (Article 21); "
    "where the school relies on consent, consent can be withdrawn at any time (Article 7(3)).",
    "You can complain to the Information Commissioner's Office (ICO), the UK's data protection "
    "regulator (Article 77). The school's data protection officer is usually the first person "
    "to ask.",
]
BIOMETRIC_CHILD = (
    "Your school must ask a parent before it uses your fingerprint. You can say no. Then the "
    "school must give you another way."
)
BIOMETRIC_PARENT = (
    "Biometric data (such as fingerprints): under the Protection of Freedoms Act 2012 a school "
    "needs a parent's written consent before processing a pupil's biometric data, must stop if "
    "the pupil or a parent objects, and must offer a reasonable alternative."
)


_LINK = re.compile("\x02([^\x1f\x03]*)\x1f([^\x03]*)\x03")


def link(text: str, url: str) -> str:
    """`text` as a link to `url` (an address, or `#anchor` for a block's anchor), inside a
    block's text: each format renders it its own way."""
    return f"\x02{text}\x1f{url}\x03"


@dataclass
class Block:
    kind: str  # h1, h2, h3, p, ul, note, page (a new page in the PDF; nothing elsewhere)
    text: str = ""
    items: list[str] = field(default_factory=list)
    anchor: str = ""  # an id for a heading, so another page can link to it
    anchors: list[str] = field(default_factory=list)  # an id for each list item ("" for none)

    def item_anchor(self, n: int) -> str:
        return self.anchors[n] if n < len(self.anchors) else ""


def notice_blocks(
    notice: Notice, audience: str, part: str = "main", base: str | None = None
) -> list[Block]:
    """The notice for `audience` ("child" or "parent") as blocks.

    The child's `part`: "main" (the few lines per group, with links to the list of places),
    "places" (every place by name) or "all" (the main part, then the places as an appendix,
    linked by anchors). The parent's version is always whole. `base`: the address the notice
    is served from (such as `/schools/URN/notice`), for links between its parts; None for a
    document on its own (a file, a PDF), whose links stay inside it."""
    if audience == "child":
        if part not in {"main", "places", "all"}:
            raise ValueError(f"unknown part {part!r}")
        return _child(notice, part, base)
    if audience == "parent":
        return _parent(notice)
    raise ValueError(f"unknown audience {audience!r}")


def main_part(blocks: list[Block]) -> list[Block]:
    """The blocks before the appendix of places (all of them when there is none)."""
    for n, b in enumerate(blocks):
        if b.anchor == PLACES_ANCHOR:
            return blocks[:n]
    return blocks


def plain_text(blocks: list[Block]) -> str:
    """The words a reader reads, one heading, paragraph or list item a line."""
    lines: list[str] = []
    for b in blocks:
        if b.kind != "page":
            lines += b.items if b.kind == "ul" else [b.text]
    return "\n".join(_LINK.sub(r"\1", line) for line in lines)


def _render(text: str, plain: Callable[[str], str], linked: Callable[[str, str], str]) -> str:
    """`text` with its links rendered by `linked` and the rest by `plain`."""
    out, at = [], 0
    for m in _LINK.finditer(text):
        out.append(plain(text[at : m.start()]))
        out.append(linked(m.group(1), m.group(2)))
        at = m.end()
    out.append(plain(text[at:]))
    return "".join(out)


def _md(text: str) -> str:
    def linked(label: str, url: str) -> str:
        label = label.replace("[", "\\[").replace("]", "\\]")
        return f"[{label}]({url.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"

    return _render(text, lambda t: t, linked)


def _md_anchor(anchor: str) -> str:
    return f'<a id="{html.escape(anchor)}"></a>' if anchor else ""


def to_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind == "page":
            continue
        if b.kind in {"h1", "h2", "h3"}:
            if b.anchor:
                out.append(_md_anchor(b.anchor))
            out.append("#" * int(b.kind[1]) + " " + _md(b.text))
        elif b.kind == "ul":
            out.append(
                "\n".join(
                    f"- {_md_anchor(b.item_anchor(n))}{_md(i)}" for n, i in enumerate(b.items)
                )
            )
        elif b.kind == "note":
            out.append(f"> {_md(b.text)}")
        else:
            out.append(_md(b.text))
    return "\n\n".join(out) + "\n"


def _html(text: str) -> str:
    def linked(label: str, url: str) -> str:
        return f'<a href="{html.escape(url)}">{html.escape(label)}</a>'

    return _render(text, _linked, linked)


def to_html(blocks: list[Block], title: str) -> str:
    body: list[str] = []
    for b in blocks:
        if b.kind == "page":
            continue
        if b.kind in {"h1", "h2", "h3"}:
            anchor = f' id="{html.escape(b.anchor)}"' if b.anchor else ""
            body.append(f"<{b.kind}{anchor}>{_html(b.text)}</{b.kind}>")
        elif b.kind == "ul":
            lis = "".join(
                f"<li{_id(b.item_anchor(n))}>{_html(i)}</li>" for n, i in enumerate(b.items)
            )
            body.append(f"<ul>{lis}</ul>")
        elif b.kind == "note":
            body.append(f'<p class="note">{_html(b.text)}</p>')
        else:
            body.append(f"<p>{_html(b.text)}</p>")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}h2{border-top:1px solid #ccc;padding-top:1rem}"
        ".note{background:#fff4d6;padding:.5rem 1rem;border-left:4px solid #e0a800}"
        "li{margin:.3rem 0}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _id(anchor: str) -> str:
    return f' id="{html.escape(anchor)}"' if anchor else ""


FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


class FontMissing(RuntimeError):
    """The Unicode font the PDFs embed is not installed."""


def pdf_fonts() -> dict[str, Path]:
    """The DejaVu Sans files (regular and bold) the PDFs embed, found at run time.

    They come from Debian's fonts-dejavu-core (`make setup` installs it when missing)."""
    found: dict[str, Path] = {}
    for style, name in FONT_FILES.items():
        paths = [d / name for d in FONT_DIRS if (d / name).is_file()]
        if not paths:
            raise FontMissing(
                f"the PDF font {name} is not installed (looked in "
                f"{', '.join(str(d) for d in FONT_DIRS)}); install Debian's fonts-dejavu-core "
                "(apt-get install fonts-dejavu-core, or `make fonts`)"
            )
        found[style] = paths[0]
    return found


def to_pdf(blocks: list[Block], title: str) -> bytes:
    """A PDF with fpdf2 (pure Python), DejaVu Sans embedded (any Unicode text, e.g. Welsh),
    links clickable: addresses open, `#anchor` links go to the block with that anchor."""
    from fpdf import FPDF

    fonts = pdf_fonts()
    pdf = FPDF(format="A4")
    for style, path in fonts.items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.set_title(title)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    sizes = {"h1": 18, "h2": 14, "h3": 12}

    def mark(anchor: str) -> None:
        if anchor:
            if pdf.will_page_break(12):
                pdf.add_page()
            pdf.add_link(y=pdf.y, page=pdf.page, name=anchor)

    for b in blocks:
        if b.kind == "page":
            pdf.add_page()
            continue
        if b.kind in sizes:
            mark(b.anchor)
            pdf.set_font("DejaVu", "B", sizes[b.kind])
            pdf.multi_cell(
                0, sizes[b.kind] * 0.5, _pdf(b.text), new_x="LMARGIN", new_y="NEXT", markdown=True
            )
            pdf.ln(1)
            continue
        pdf.set_font("DejaVu", "", 10)
        lines = [f"- {i}" for i in b.items] if b.kind == "ul" else [b.text]
        for n, line in enumerate(lines):
            mark(b.item_anchor(n) if b.kind == "ul" else "")
            pdf.multi_cell(0, 5, _pdf(line), new_x="LMARGIN", new_y="NEXT", markdown=True)
        pdf.ln(2)
    return bytes(pdf.output())


def _pdf(text: str) -> str:
    def linked(label: str, url: str) -> str:
        label = _pdf_escape(label).replace("[", "(").replace("]", ")")
        return f"[{label}]({url.replace('(', '%28').replace(')', '%29')})"

    return _render(text, _pdf_linked, linked)


def _pdf_linked(text: str) -> str:
    """fpdf2's markdown for `text`: addresses become [url](url) links, markers are escaped."""
    out = []
    for word in text.split(" "):
        if word.startswith(("http://", "https://")) and "(" not in word and ")" not in word:
            out.append(f"[{_pdf_escape(word)}]({word})")
        else:
            out.append(_pdf_escape(word))
    return " ".join(out)


def _pdf_escape(text: str) -> str:
    for marker in ("\\", "**", "__", "--", "~~"):
        text = text.replace(marker, "\\" + marker)
    return text


# -- the child's version

PLACES_ANCHOR = "places"


def _when(day: date) -> str:
    """3 May 2026."""
    return f"{day.day} {day:%B %Y}"


def _child(notice: Notice, part: str, base: str | None) -> list[Block]:
    day = notice.as_of.isoformat()
    if base is not None and part == "places":
        main = f"{base}?audience=child&as_of={day}"
        blocks = [Block("h1", "Where does my data go? All the places")]
        blocks.append(Block("p", f"This is about your school: {notice.school.name}."))
        blocks.append(Block("p", link("Go back to the short version.", main)))
        return blocks + _child_places(notice)

    def places(key: str) -> str:
        if base is None or part == "all":
            return f"#{PLACES_ANCHOR}-{key}"
        return f"{base}?audience=child&part=places&as_of={day}#{PLACES_ANCHOR}-{key}"

    blocks = [Block("h1", "Where does my data go?")]
    blocks.append(Block("p", f"This is about your school: {notice.school.name}."))
    blocks.append(Block("p", f"It says what was true on {_when(notice.as_of)}."))
    if notice.example_map:
        blocks.append(Block("note", "This is only an example. It is not what your school does."))
    if not notice.has_map:
        blocks.append(Block("note", "Your school has not told us about its apps yet."))
    blocks.append(
        Block(
            "p",
            "Your school keeps data about you. Some of it goes to other people. Here is "
            "who gets it, why, and for how long.",
        )
    )
    for group in notice.groups:
        blocks += _child_group(group, places(group.key))
    blocks.append(Block("h2", "What you can do"))
    blocks.append(Block("ul", items=list(CHILD_RIGHTS)))
    if any(g.key == "face_and_fingerprints" and _biometric(g) for g in notice.groups):
        blocks.append(Block("p", BIOMETRIC_CHILD))
    blocks.append(Block("h2", "Where we found this"))
    long_version = "the long version for grown-ups"
    if base is not None:
        long_version = link(long_version, f"{base}?audience=parent&as_of={day}")
    blocks.append(
        Block(
            "p",
            f"We used {count(len(notice.sources), 'paper and web page')}. They are "
            f"listed in {long_version}.",
        )
    )
    if part == "all":
        blocks.append(Block("h2", "All the places", anchor=PLACES_ANCHOR))
        blocks += _child_places(notice)
    return blocks


def _child_group(group: NoticeGroup, places: str) -> list[Block]:
    """A few short lines per group: who gets it (grouped by kind), how sure we are, why, how
    long, whether it leaves the UK; the places by name are behind the link `places`."""
    recipients = group.recipients
    n = len(recipients)
    blocks = [Block("h2", group.child_title), Block("p", group.child_about)]
    if not recipients:
        blocks.append(Block("p", "We know of no place outside the school that gets it."))
        return blocks
    sure = sum(1 for r in recipients if r.evidence == "stated")
    disputed = sum(1 for r in recipients if r.evidence == "disputed")
    lines = [f"Who gets it: {count(n, 'place')}: {_kinds(recipients, child_kind, most=2)}."]
    if sure == n:
        lines.append("We are sure about all of them." if n > 1 else "We are sure about it.")
    elif sure == 0:
        lines.append("We are not sure about any of them." if n > 1 else "We are not sure.")
    else:
        lines.append(f"We are not sure about {n - sure}.")
    if disputed:
        lines.append(f"Papers do not agree about {disputed}.")
    whys = Counter(CHILD_PURPOSE[p] for r in recipients for p in r.purposes if p in CHILD_PURPOSE)
    if whys:
        lines.append(f"Why: {' and '.join(w for w, _ in whys.most_common(2))}.")
    told = sum(1 for r in recipients if r.retention or r.kept_indefinitely)
    forever = sum(1 for r in recipients if r.kept_indefinitely)
    if told == 0:
        how_long = "How long: none of them tell us." if n > 1 else "How long: it does not say."
    else:
        how_long = f"How long: {told} {_verb(told, 'tells', 'tell')} us."
        if forever:
            how_long += f" {forever} {_verb(forever, 'keeps', 'keep')} it for ever."
    lines.append(how_long)
    out = sum(1 for r in recipients if r.storage_status in {"outside", "mixed"})
    if out:
        lines.append(f"Where: {out} may keep it outside the UK.")
    blocks.append(Block("ul", items=lines))
    label = f"See all {n} places." if n > 1 else "See the place."
    blocks.append(Block("p", link(label, places)))
    return blocks


def _child_places(notice: Notice) -> list[Block]:
    """Every place by name, group by group, under anchors the main part links to."""
    blocks = [
        Block(
            "p",
            "Here is every place that may get your data, by its name. We say when we are not sure.",
        )
    ]
    for group in notice.groups:
        blocks.append(Block("h3", group.child_title, anchor=f"{PLACES_ANCHOR}-{group.key}"))
        by_kind: dict[str, list[str]] = {}
        for r in sorted(group.recipients, key=lambda r: r.actor.name.lower()):
            mark = "" if r.evidence == "stated" else " (not sure)"
            by_kind.setdefault(child_kind(r.actor), []).append(r.actor.name + mark)
        items = [
            f"{noun_for(len(names), kind).capitalize()}: {', '.join(names)}."
            for kind, names in sorted(by_kind.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
        blocks.append(Block("ul", items=items or ["No place outside the school."]))
    return blocks


def child_kind(actor: ActorRef) -> str:
    """What an organisation is, in a child's words (singular)."""
    if actor.kind in CHILD_KIND:
        return CHILD_KIND[actor.kind]
    return CHILD_TYPE.get(actor.org_type or "", "other group")


def parent_kind(actor: ActorRef) -> str:
    """What an organisation is, in plain words (singular)."""
    if actor.kind in PARENT_KIND:
        return PARENT_KIND[actor.kind]
    return PARENT_TYPE.get(actor.org_type or "", "other organisation")


def _kinds(recipients: list[Recipient], kind_of: Callable[[ActorRef], str], most: int = 3) -> str:
    """ "40 apps, 35 firms, 9 parts of the government and 9 more": the `most` commonest kinds,
    then the rest as a number."""
    kinds = Counter(kind_of(r.actor) for r in recipients).most_common()
    named = [count(n, k) for k, n in kinds[:most]]
    rest = sum(n for _, n in kinds[most:])
    if rest:
        if len(kinds) == most + 1:
            named.append(count(kinds[most][1], kinds[most][0]))
        else:
            named.append(f"{rest} more")
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


# -- the parent's version ----------------------------------------------------------------------


def _parent(notice: Notice) -> list[Block]:
    numbers = {s.id: n for n, s in enumerate(notice.sources, start=1)}
    urls = {s.id: f"#source-{numbers[s.id]}" for s in notice.sources}
    blocks = [Block("h1", f"Where does my child's data go? {notice.school.name}")]
    blocks.append(
        Block(
            "p",
            f"This notice is as of {_when(notice.as_of)}: it lists the data flows in force on "
            "that day. Flows that had ended by then are left out.",
        )
    )
    if notice.example_map:
        blocks.append(
            Block(
                "note",
                "The school map used here is marked as an EXAMPLE for demonstration: it does "
                "not describe what this school actually does.",
            )
        )
    if not notice.has_map:
        blocks.append(
            Block(
                "note",
                "No data map of this school is in the graph: only national flows are "
                "shown, and the school's own systems are missing.",
            )
        )
    blocks += _summary(notice)
    blocks.append(Block("page"))
    blocks.append(Block("h2", "About this notice"))
    blocks.append(
        Block(
            "p",
            f"This notice is generated from the edflows knowledge graph for {notice.school.name} "
            f"(URN {notice.urn}): the school's own data map and the national data flows that "
            "start at the school (the school census), followed to every organisation the graph "
            "shows the data can reach. How sure each line is: 'stated' means every step's "
            "sources list the data; 'disputed' means some official papers say a step carries "
            "it and others say not; 'implied' means a step only states an NPD tier that covers "
            "it; 'unknown' means a step's sources state neither.",
        )
    )
    orgs = _organisations(notice)
    for group in notice.groups:
        blocks += _parent_group(group, orgs)
    blocks += _organisation_blocks(notice, orgs, numbers, urls)
    blocks.append(Block("h2", "Your rights"))
    blocks.append(Block("ul", items=list(PARENT_RIGHTS)))
    if any(g.key == "face_and_fingerprints" and _biometric(g) for g in notice.groups):
        blocks.append(Block("p", BIOMETRIC_PARENT))
    blocks.append(Block("h2", "Sources", anchor="sources"))
    blocks.append(
        Block(
            "ul",
            items=[f"{numbers[s.id]}. {_source(s)}" for s in notice.sources],
            anchors=[f"source-{numbers[s.id]}" for s in notice.sources],
        )
    )
    return blocks


def _summary(notice: Notice) -> list[Block]:
    """One page: who gets what, why, for how long, and where the school is unsure."""
    everyone = {r.actor.id: r for g in notice.groups for r in g.recipients}
    blocks = [Block("h2", "Summary", anchor="summary")]
    if not everyone:
        blocks.append(
            Block(
                "p",
                "The graph shows no organisation outside the school that "
                "receives this school's pupil data on this day.",
            )
        )
        return blocks
    blocks.append(
        Block(
            "p",
            f"The school holds {count(len(notice.groups), 'group')} of data about pupils and "
            f"their families. The graph shows that, in all, "
            f"{count(len(everyone), 'organisation')} can receive some of it: "
            f"{_kinds(list(everyone.values()), parent_kind, most=5)}. Who gets what:",
        )
    )
    lines = []
    for g in notice.groups:
        rs = g.recipients
        n = len(rs)
        head = link(g.parent_title, f"#{g.key}")
        if not n:
            lines.append(f"{head}: no organisation outside the school.")
            continue
        sure = sum(1 for r in rs if r.evidence == "stated")
        whys = Counter(p for r in rs for p in r.purposes).most_common(3)
        why = "; ".join(Labels.purpose(p) for p, _ in whys) or "not stated"
        told = sum(1 for r in rs if r.retention)
        forever = sum(1 for r in rs if r.kept_indefinitely)
        out = sum(1 for r in rs if r.storage_status in {"outside", "mixed"})
        line = (
            f"{head}: {count(n, 'organisation')}, {sure} of them stated, {n - sure} unsure: "
            f"{_kinds(rs, parent_kind, most=2)}. Why: {why}. How long: stated for {told}"
            + (f", indefinitely for {forever}" if forever else "")
            + f", not stated for {n - told}."
        )
        if out:
            line += f" {out} may keep it outside the UK."
        lines.append(line)
    blocks.append(Block("ul", items=lines))
    blocks.append(Block("h3", "Where the school is unsure"))
    entries = [r for g in notice.groups for r in g.recipients]
    by_evidence = Counter(r.evidence for r in entries)
    unsure = [
        f"{by_evidence['unknown']} of the {len(entries)} lines below are 'unknown': a step's "
        "sources do not say which data is passed on.",
    ]
    if by_evidence["implied"]:
        unsure.append(
            f"{by_evidence['implied']} are 'implied': the records only state an NPD tier "
            "that would include the data."
        )
    if by_evidence["disputed"]:
        unsure.append(
            f"{by_evidence['disputed']} are 'disputed': some official papers say the data is "
            f"passed on, others say not ({DISPUTED})"
        )
    conflicts = Counter(c for r in entries for c in r.conflicts)
    if conflicts:
        about = ", ".join(f"{_conflict(c)} ({n})" for c, n in conflicts.most_common())
        unsure.append(f"Sources disagree about: {about}.")
    no_basis = sum(1 for r in entries if not r.lawful_basis)
    no_where = sum(1 for r in entries if r.storage_status == "unknown")
    unsure.append(
        f"{no_basis} do not state a lawful basis, and {no_where} do not say clearly where "
        "the data is kept."
    )
    blocks.append(Block("ul", items=unsure))
    return blocks


def _organisations(notice: Notice) -> dict[str, int]:
    """Each organisation once, numbered in the order the groups first name it."""
    numbered: dict[str, int] = {}
    for group in notice.groups:
        for r in group.recipients:
            numbered.setdefault(r.actor.id, len(numbered) + 1)
    return numbered


def _parent_group(group: NoticeGroup, orgs: dict[str, int]) -> list[Block]:
    """A group of data: what the school holds and who receives it, one short line each; the
    facts of each organisation (route, why, law, how long, where, sources) are given once, in
    "The organisations, one by one", linked from here."""
    items = ", ".join(i.name + (" (special category)" if i.special else "") for i in group.items)
    sure = sum(1 for r in group.recipients if r.evidence == "stated")
    return [
        Block("h2", group.parent_title, anchor=group.key),
        Block("p", group.parent_about),
        Block("p", f"Held by the school: {items}."),
        Block(
            "p",
            f"Who receives it: {count(len(group.recipients), 'organisation')} ({sure} stated, "
            f"{len(group.recipients) - sure} where the graph is unsure). Each name links to "
            "why it gets the data, under which law, for how long, where it is kept, and the "
            "sources.",
        ),
        Block("ul", items=[_parent_line(r, orgs) for r in group.recipients]),
    ]


def _parent_line(r: Recipient, orgs: dict[str, int]) -> str:
    name = link(r.actor.name, f"#org-{orgs[r.actor.id]}")
    parts = [f"{name} ({parent_kind(r.actor)})", f"Data: {', '.join(r.items)}"]
    if r.evidence == "disputed":
        parts.append(f"DISPUTED: some official papers say this, others say not ({DISPUTED})")
    elif r.evidence == "implied":
        parts.append("UNSURE: the records only state an NPD tier that would include this data")
    elif r.evidence == "unknown":
        parts.append("UNSURE: a step's sources do not say which data was passed on")
    if r.storage_status in ("outside", "mixed"):
        parts.append(_parent_where(r))
    return ". ".join(parts) + "."


def _organisation_blocks(
    notice: Notice, orgs: dict[str, int], numbers: dict[str, int], urls: dict[str, str]
) -> list[Block]:
    """Every organisation once: the facts of the flows into it, each set of facts with the
    groups of data it holds for."""
    facts: dict[str, dict[str, list[str]]] = {}
    names: dict[str, str] = {}
    for group in notice.groups:
        for r in group.recipients:
            names[r.actor.id] = f"{r.actor.name} ({parent_kind(r.actor)})"
            said = facts.setdefault(r.actor.id, {})
            said.setdefault(_parent_facts(r, numbers, urls), []).append(group.parent_title)
    lines, anchors = [], []
    for actor_id, n in sorted(orgs.items(), key=lambda x: x[1]):
        said = facts[actor_id]
        if len(said) == 1:
            body = next(iter(said))
        else:
            body = " ".join(f"For {', '.join(groups)}: {text}" for text, groups in said.items())
        lines.append(f"{names[actor_id]}. {body}")
        anchors.append(f"org-{n}")
    return [
        Block("h2", "The organisations, one by one", anchor="organisations"),
        Block(
            "p",
            "How the data gets to each organisation, why, under which law, for how long and "
            "where it is kept, as the sources say; 'not stated' where they do not.",
        ),
        Block("ul", items=lines, anchors=anchors),
    ]


def _parent_facts(r: Recipient, numbers: dict[str, int], urls: dict[str, str]) -> str:
    if r.route:
        route = "Route: " + " -> ".join(["the school", *r.route, r.actor.name])
    else:
        route = "Straight from the school"
    parts = [route + (f", leaving the school by: {r.system}" if r.system else "")]
    purposes = ", ".join(Labels.purpose(p) for p in r.purposes)
    why = "; ".join(x for x in [(r.purpose_text or "").rstrip(". "), purposes] if x)
    parts.append(f"Why: {why or 'not stated'}")
    parts.append(f"Lawful basis: {r.lawful_basis or 'not stated'}")
    if r.art9_condition:
        parts.append(f"Article 9 condition: {r.art9_condition}")
    how_long = r.retention or "not stated"
    if r.kept_indefinitely and not r.retention:
        how_long = "indefinitely"
    parts.append(f"How long: {how_long}")
    parts.append(f"Where kept: {_parent_where(r)}")
    if r.valid_from or r.valid_to:
        since = f" from {r.valid_from}" if r.valid_from else ""
        until = f" until {r.valid_to}" if r.valid_to else ""
        parts.append(f"In force{since}{until}")
    if r.conflicts:
        parts.append(f"Sources disagree about: {', '.join(_conflict(c) for c in r.conflicts)}")
    refs = ", ".join(link(f"source {numbers[s]}", urls[s]) for s in r.source_ids if s in numbers)
    if refs:
        parts.append(f"Sources: {refs}")
    return ". ".join(parts) + "."


def _conflict(field_name: str) -> str:
    return CONFLICT_LABEL.get(field_name, field_name.replace("_", " "))


def _parent_where(r: Recipient) -> str:
    if r.storage_status == "uk":
        return f"in the UK ({r.storage})"
    if r.storage_status == "outside":
        return f"LEAVES THE UK ({r.storage})"
    if r.storage_status == "mixed":
        return f"may leave the UK ({r.storage})"
    return f"unclear ({r.storage})" if r.storage else "not stated"


def _source(s: SourceRef) -> str:
    parts = [s.title or s.id]
    parts += [x for x in (s.publisher, s.date) if x]
    text = ", ".join(parts)
    return f"{text}. {link(s.url, s.url)}" if s.url else text


def _biometric(group: NoticeGroup) -> bool:
    return any(i.id.startswith("pupil.biometric") for i in group.items)


def _linked(text: str) -> str:
    """Escape text; turn the http(s) addresses written out in it into links."""
    out = []
    for word in text.split(" "):
        if word.startswith(("http://", "https://")):
            url = html.escape(word)
            out.append(f'<a href="{url}">{url}</a>')
        else:
            out.append(html.escape(word))
    return " ".join(out)
