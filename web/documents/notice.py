"""The "Where does my data go?" notice as text: a child's version and a parent's, in Markdown,
HTML or PDF.

Both versions are written from the same `Notice` (graph.transparency) into a small list of
blocks (headings, paragraphs, lists), then serialised; so the three formats say the same thing.
The child's version uses short sentences and everyday words (its readability is measured with
`web.documents.readability` in the tests); the parent's gives every fact the graph holds. Neither
states anything the graph does not hold: a missing fact is said to be missing.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graph.results import SourceRef
from graph.transparency import Notice, NoticeGroup, Recipient
from web.documents.words import count

DISPUTED = "we show both sides and do not pick one."
CHILD_PURPOSE = {
    "direct_schooling_and_support": "to teach you and help you",
    "administration_and_accountability": "to run the school and check how schools do",
    "safeguarding_and_social_care": "to keep you safe",
    "permanent_retention": "to keep a record for good",
    "public_interest_research": "for research",
    "other_research": "for research",
    "other_national_and_local": "for other work of the state",
    "immigration_enforcement": "to check who may live in the UK",
    "law_enforcement": "for the police and the law",
    "commercial": "for a business",
}
CHILD_TYPE = {
    "commercial": "firm",
    "academic": "university",
    "charity": "charity",
    "government": "part of the government",
    "health": "health service",
    "media": "news firm",
    "police": "police force",
    "local_authority": "council",
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


@dataclass
class Block:
    kind: str  # h1, h2, h3, p, ul, note
    text: str = ""
    items: list[str] = field(default_factory=list)
    anchor: str = ""  # an id for a heading, so another page can link to it


def notice_blocks(notice: Notice, audience: str) -> list[Block]:
    """The notice for `audience` ("child" or "parent") as blocks."""
    if audience == "child":
        return _child(notice)
    if audience == "parent":
        return _parent(notice)
    raise ValueError(f"unknown audience {audience!r}")


def plain_text(blocks: list[Block]) -> str:
    """The words a reader reads, one heading, paragraph or list item a line."""
    lines: list[str] = []
    for b in blocks:
        lines += b.items if b.kind == "ul" else [b.text]
    return "\n".join(lines)


def to_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind in {"h1", "h2", "h3"}:
            out.append("#" * int(b.kind[1]) + " " + b.text)
        elif b.kind == "ul":
            out.append("\n".join(f"- {i}" for i in b.items))
        elif b.kind == "note":
            out.append(f"> {b.text}")
        else:
            out.append(b.text)
    return "\n\n".join(out) + "\n"


def to_html(blocks: list[Block], title: str) -> str:
    body: list[str] = []
    for b in blocks:
        if b.kind in {"h1", "h2", "h3"}:
            anchor = f' id="{html.escape(b.anchor)}"' if b.anchor else ""
            body.append(f"<{b.kind}{anchor}>{html.escape(b.text)}</{b.kind}>")
        elif b.kind == "ul":
            lis = "".join(f"<li>{_linked(i)}</li>" for i in b.items)
            body.append(f"<ul>{lis}</ul>")
        elif b.kind == "note":
            body.append(f'<p class="note">{html.escape(b.text)}</p>')
        else:
            body.append(f"<p>{_linked(b.text)}</p>")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}h2{border-top:1px solid #ccc;padding-top:1rem}"
        ".note{background:#fff4d6;padding:.5rem 1rem;border-left:4px solid #e0a800}"
        "li{margin:.3rem 0}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


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
    addresses as clickable links."""
    from fpdf import FPDF

    fonts = pdf_fonts()
    pdf = FPDF(format="A4")
    for style, path in fonts.items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.set_title(title)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    sizes = {"h1": 18, "h2": 14, "h3": 12}
    for b in blocks:
        if b.kind in sizes:
            pdf.set_font("DejaVu", "B", sizes[b.kind])
            pdf.multi_cell(0, sizes[b.kind] * 0.5, b.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            continue
        pdf.set_font("DejaVu", "", 10)
        lines = [f"- {i}" for i in b.items] if b.kind == "ul" else [b.text]
        for line in lines:
            pdf.multi_cell(0, 5, _pdf_linked(line), new_x="LMARGIN", new_y="NEXT", markdown=True)
        pdf.ln(2)
    return bytes(pdf.output())


def _pdf_linked(text: str) -> str:
    """fpdf2's markdown for `text`: addresses become [url](url) links, markers are escaped."""
    out = []
    for word in text.split(" "):
        if word.startswith(("http://", "https://")):
            out.append(f"[{_pdf_escape(word)}]({word})")
        else:
            out.append(_pdf_escape(word))
    return " ".join(out)


def _pdf_escape(text: str) -> str:
    for marker in ("\\", "**", "__", "--", "~~"):
        text = text.replace(marker, "\\" + marker)
    return text


# -- the child's version -----------------------------------------------------------------------


def _child(notice: Notice) -> list[Block]:
    blocks = [Block("h1", "Where does my data go?")]
    blocks.append(Block("p", f"This is about your school: {notice.school.name}."))
    if notice.example_map:
        blocks.append(Block("note", "This is only an example. It is not what your school does."))
    if not notice.has_map:
        blocks.append(Block("note", "Your school has not told us about its apps yet."))
    blocks.append(
        Block(
            "p",
            "Your school keeps data about you. Some of it goes to other people. Here is "
            "who gets it, and why.",
        )
    )
    for group in notice.groups:
        blocks += _child_group(group, notice.urn)
    blocks.append(Block("h2", "What you can do"))
    blocks.append(Block("ul", items=list(CHILD_RIGHTS)))
    if any(g.key == "face_and_fingerprints" and _biometric(g) for g in notice.groups):
        blocks.append(Block("p", BIOMETRIC_CHILD))
    blocks.append(Block("h2", "Where we found this"))
    blocks.append(
        Block(
            "p",
            f"We used {count(len(notice.sources), 'paper and web page')}. They are "
            "listed in the long version for grown-ups.",
        )
    )
    return blocks


def _child_group(group: NoticeGroup, urn: str) -> list[Block]:
    """A few short lines per group: who gets it (by kind), why, how long, where; the full list
    is in the parent's version, behind a link to the group's section there."""
    recipients = group.recipients
    blocks = [Block("h2", group.child_title), Block("p", group.child_about)]
    sure = [r for r in recipients if r.evidence == "stated"]
    disputed = [r for r in recipients if r.evidence == "disputed"]
    unsure = [r for r in recipients if r.evidence not in {"stated", "disputed"}]
    blocks.append(Block("p", f"Who gets it: {count(len(recipients), 'place')}."))
    lines = []
    if sure:
        lines.append(f"We are sure about {len(sure)}. They are: {_kinds(sure)}.")
    if disputed:
        lines.append(
            f"Some official papers say {count(len(disputed), 'place')} got it, others say "
            f"not: {DISPUTED}"
        )
    if unsure:
        lines.append(f"{len(unsure)} more may get it. We are not sure. They are: {_kinds(unsure)}.")
    whys = Counter(CHILD_PURPOSE[p] for r in recipients for p in r.purposes if p in CHILD_PURPOSE)
    if whys:
        lines.append(f"Why: {' and '.join(w for w, _ in whys.most_common(2))}.")
    forever = sum(1 for r in recipients if r.kept_indefinitely)
    if forever:
        lines.append(f"How long: {count(forever, 'place')} keep it for ever.")
    out = sum(1 for r in recipients if r.storage_status in {"outside", "mixed"})
    if out:
        lines.append(f"Where: it may go out of the UK at {count(out, 'place')}.")
    blocks.append(Block("ul", items=lines))
    if recipients:
        link = f"/schools/{urn}/notice?audience=parent#{group.key}"
        blocks.append(Block("p", f"The full list is in the long version: {link}"))
    return blocks


def _kinds(recipients: list[Recipient]) -> str:
    kinds = Counter(CHILD_TYPE.get(r.actor.org_type or "", "other group") for r in recipients)
    return ", ".join(count(n, k) for k, n in kinds.most_common())


# -- the parent's version ----------------------------------------------------------------------


def _parent(notice: Notice) -> list[Block]:
    numbers = {s.id: n for n, s in enumerate(notice.sources, start=1)}
    blocks = [Block("h1", f"Where does my child's data go? {notice.school.name}")]
    blocks.append(
        Block(
            "p",
            f"This notice is generated from the edflows knowledge graph for {notice.school.name} "
            f"(URN {notice.urn}): the school's own data map and the national data flows that "
            "start at the school (the school census), followed to every organisation the graph "
            "shows the data can reach. Evidence classes: 'stated' means every step's sources "
            "list the data; 'disputed' means some official papers say a step carries it and "
            "others say not; 'implied' means a step only states an NPD tier that covers it; "
            "'unknown' means a step's sources state neither.",
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
    for group in notice.groups:
        blocks += _parent_group(group, numbers)
    blocks.append(Block("h2", "Your rights"))
    blocks.append(Block("ul", items=list(PARENT_RIGHTS)))
    if any(g.key == "face_and_fingerprints" and _biometric(g) for g in notice.groups):
        blocks.append(Block("p", BIOMETRIC_PARENT))
    blocks.append(Block("h2", "Sources"))
    blocks.append(Block("ul", items=[f"[{numbers[s.id]}] {_source(s)}" for s in notice.sources]))
    return blocks


def _parent_group(group: NoticeGroup, numbers: dict[str, int]) -> list[Block]:
    items = ", ".join(i.name + (" (special category)" if i.special else "") for i in group.items)
    sure = sum(1 for r in group.recipients if r.evidence == "stated")
    blocks = [
        Block("h2", group.parent_title, anchor=group.key),
        Block("p", group.parent_about),
        Block("p", f"Held by the school: {items}."),
        Block(
            "p",
            f"Who receives it: {count(len(group.recipients), 'organisation')} ({sure} stated, "
            f"{len(group.recipients) - sure} where the graph is unsure).",
        ),
        Block("ul", items=[_parent_line(r, numbers) for r in group.recipients]),
    ]
    return blocks


def _parent_line(r: Recipient, numbers: dict[str, int]) -> str:
    kind = r.actor.org_type or r.actor.kind
    route = " -> ".join(["the school", *r.route, r.actor.name])
    parts = [f"{r.actor.name} ({kind}; {r.actor.id}). Route: {route}"]
    if r.system:
        parts[-1] += f", leaving the school by: {r.system}"
    parts.append(f"Data: {', '.join(r.items)}")
    if r.evidence == "disputed":
        parts.append(f"DISPUTED: some official papers say this, others say not ({DISPUTED})")
    elif r.evidence == "implied":
        parts.append("UNSURE: the records only state an NPD tier that would include this data")
    elif r.evidence == "unknown":
        parts.append("UNSURE: a step's sources do not say which data was passed on")
    why = "; ".join(x for x in [(r.purpose_text or "").rstrip(". "), ", ".join(r.purposes)] if x)
    parts.append(f"Why: {why or 'not stated'}")
    parts.append(f"Lawful basis: {r.lawful_basis or 'not stated'}")
    if r.art9_condition:
        parts.append(f"Article 9 condition: {r.art9_condition}")
    how_long = r.retention or "not stated"
    if r.kept_indefinitely and not r.retention:
        how_long = "indefinitely"
    parts.append(f"How long: {how_long}")
    parts.append(f"Where kept: {_parent_where(r)}")
    if r.conflicts:
        parts.append(f"Sources disagree about: {', '.join(r.conflicts)}")
    refs = "".join(f"[{numbers[s]}]" for s in r.source_ids if s in numbers)
    if refs:
        parts.append(f"Sources: {refs}")
    return ". ".join(parts) + "."


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
    return f"{text}. {s.url}" if s.url else text


def _biometric(group: NoticeGroup) -> bool:
    return any(i.id.startswith("pupil.biometric") for i in group.items)


def _linked(text: str) -> str:
    """Escape text; turn the http(s) addresses the graph holds into links."""
    out = []
    for word in text.split(" "):
        if word.startswith(("http://", "https://", "/schools/")):
            url = html.escape(word)
            out.append(f'<a href="{url}">{url}</a>')
        else:
            out.append(html.escape(word))
    return " ".join(out)
