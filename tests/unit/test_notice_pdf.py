"""The notice PDF embeds a Unicode font: a Welsh school name survives, links are clickable."""

from __future__ import annotations

import io

from pypdf import PdfReader

from web.documents.notice import Block, to_pdf

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
