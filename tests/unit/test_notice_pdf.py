"""The notice PDF embeds a Unicode font: a Welsh school name survives, links are clickable."""

from __future__ import annotations

import io

from pypdf import PdfReader

from web.documents.notice import Block, link, plain_text, to_html, to_markdown, to_pdf

WELSH = "Ysgol Gymraeg Bro Ŵyr"


def test_welsh_name_and_links_survive() -> None:
    blocks = [
        Block("h1", f"Where does my data go? {WELSH}"),
        Block("p", "Curly quotes \u2018so\u2019 \u2014 and a star ** and __ stay as typed."),
        Block("ul", items=["[1] A paper, DfE. https://www.gov.uk/government/publications/x"]),
    ]
    reader = PdfReader(io.BytesIO(to_pdf(blocks, WELSH)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert WELSH in text
    assert "\u2018so\u2019 \u2014" in text and "** and __" in text
    assert reader.metadata is not None and reader.metadata.title == WELSH
    fonts = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert fonts and all("DejaVuSans" in f for f in fonts)
    uris = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])]
    assert uris == ["https://www.gov.uk/government/publications/x"]


def test_links_in_every_format() -> None:
    """A link made with `link()` is `<a href>` in HTML, `[text](url)` in Markdown and a
    clickable link in the PDF; a `#name` link goes to the block anchored there."""
    blocks = [
        Block("h1", "Notice"),
        Block("p", "Why: " + link("source 1", "#source-1") + ", see " + link("[x]", URL)),
        Block("page"),
        Block("ul", items=["1. A paper. " + link(URL, URL)], anchors=["source-1"]),
    ]
    md = to_markdown(blocks)
    assert "[source 1](#source-1)" in md and f"[\\[x\\]]({URL})" in md
    assert f'- <a id="source-1"></a>1. A paper. [{URL}]({URL})' in md
    page = to_html(blocks, "Notice")
    assert '<a href="#source-1">source 1</a>' in page and '<li id="source-1">' in page
    assert f'<a href="{URL}">[x]</a>' in page
    assert plain_text(blocks) == f"Notice\nWhy: source 1, see [x]\n1. A paper. {URL}"
    reader = PdfReader(io.BytesIO(to_pdf(blocks, "Notice")))
    assert len(reader.pages) == 2  # the "page" block starts a new page
    annots = [a.get_object() for p in reader.pages for a in p.get("/Annots", []) or []]
    uris = sorted(a["/A"]["/URI"] for a in annots if "/A" in a)
    assert uris == [URL, URL]
    inside = [a for a in annots if "/Dest" in a]
    assert len(inside) == 1
    names = reader.named_destinations
    assert "source-1" in names and names["source-1"].page == reader.pages[1].indirect_reference


URL = "https://www.gov.uk/government/publications/x"
