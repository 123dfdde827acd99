"""Names, not ids, where a person reads a record (issue 19 C): a flow's record names its two
ends, its data items and purposes; an organisation's record names the organisations its facts
point to and shows kinds as words; the release report's charts use words. The ids stay one
click away (links, the JSON)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration


def test_a_flows_record_reads_in_names(api: TestClient) -> None:
    html = api.get("/record/flow:census-return:example").text
    assert "<h1>Census return: Example School" in html and "City of London</h1>" in html
    assert "<code>flow:census-return:example</code>" in html  # the id, beside the names
    facts = html.split("<h2>Facts", 1)[1].split("</section>", 1)[0]
    assert "Home postcode" in facts and "pupil.contact.postcode" not in facts
    assert "_" not in facts.split("<dd>", 1)[1].split("Home postcode", 1)[0]


def test_an_organisations_record_and_the_release_report_read_in_names(api: TestClient) -> None:
    school = api.get("/record/school:example").text
    assert '<a href="/record/la%3A201">City of London</a>' in school
    assert ">la:201<" not in school
    la = api.get("/record/la:201").text
    assert "<dd>local authority</dd>" in la and "<dd>local_authority</dd>" not in la
    report = api.get("/releases/report").text
    assert ">local_authority<" not in report
