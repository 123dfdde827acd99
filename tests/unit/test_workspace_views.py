"""The workspace's pure parts: the seed's prompts are verbatim, a form becomes the loader's row
and back, the draft's YAML names each row's line, the DPO's flags and score, sessions that
expire, and the sign-in limit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from api.sessions import SessionStore, SignInLimit, csrf_matches
from graph.dpo import check_map
from graph.known_actors import ActorSet
from graph.loadplan import LoadError
from loaders.catalogue import curated_catalogue
from loaders.workspace_map import draft_document, plan_draft, row_of_line
from web import workspace as view

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_203a617a3aaeda00.txt"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_category_prompt_is_the_seed_talks_own_words_with_its_slide() -> None:
    seed = squash(SEED.read_text(encoding="utf-8"))
    assert set(view.CATEGORIES) == {
        "mis",
        "classroom_tools",
        "online_cloud_providers",
        "paper_records",
        "school_estate_technology",
        "third_parties",
        "safeguarding",
    }
    # the transcript: each slide's number on a line of its own, then the slide's text
    parts = re.split(r"\n\s*(\d+)\s*\n", SEED.read_text(encoding="utf-8"))
    slides = {parts[i]: squash(parts[i + 1]) for i in range(1, len(parts) - 1, 2)}
    for _title, (prompt, source) in view.CATEGORIES.values():
        assert squash(prompt) in seed, prompt
        assert squash(prompt) in slides[source.rsplit(" ", 1)[1]], source


def test_a_form_becomes_the_loaders_row_and_back() -> None:
    form = {
        "system": ["Canteen tills "],
        "product": ["product:parentpay"],
        "category": ["school_estate_technology"],
        "items": ["pupil.biometric.fingerprint_template", "pupil.catering"],
        "subjects": ["pupil"],
        "lawful_basis": [view.LAWFUL_BASES[0]],
        "art9_condition": [""],
        "viewers": ["catering staff; office staff"],
        "evidence_title": ["Our privacy notice"],
        "evidence_date": ["2026-09"],
        "evidence_url": ["https://school.example/privacy"],
    }
    row = view.row_from_form(form)
    assert row["system"] == "Canteen tills" and "art9_condition" not in row
    assert row["viewers"] == ["catering staff", "office staff"]
    assert row["evidence"] == "Our privacy notice (2026-09) <https://school.example/privacy>"
    back = view.form_from_row(row)
    assert back["evidence_title"] == "Our privacy notice" and back["evidence_date"] == "2026-09"
    assert back["evidence_url"] == "https://school.example/privacy"
    assert view.reminders(row) and "Protection of Freedoms Act 2012" in view.reminders(row)[0]


def test_the_drafts_yaml_is_the_map_and_each_error_names_its_row() -> None:
    rows = [
        {"system": "A", "product": "product:sims", "category": "mis", "items": ["pupil"]},
        {"system": "B", "product": "product:sims", "category": "mis", "items": ["pupil"]},
    ]
    content, starts = draft_document("100000", rows)
    assert yaml.safe_load(content) == {"urn": "100000", "rows": rows}
    assert row_of_line(starts, starts[1] + 2) == 1 and row_of_line(starts, 1) is None
    bad = [
        rows[0] | {"lawful_basis": view.LAWFUL_BASES[4], "evidence": "Our notice"},
        rows[1] | {"items": ["pupil.sen_health"], "lawful_basis": "x" * 5, "evidence": "ours"},
    ]
    with pytest.raises(LoadError) as raised:
        plan_draft("100000", bad, ActorSet({"school:100000", "product:sims"}))
    assert raised.value.column == "art9_condition"
    assert raised.value.row_index == 1  # type: ignore[attr-defined]


def test_the_dpo_flags_each_reason_and_scores_completeness() -> None:
    special = view.special_items(curated_catalogue())
    rows = [
        {
            "system": "Canteen tills",
            "category": "school_estate_technology",
            "items": ["pupil.biometric.fingerprint_template"],
            "lawful_basis": "consent",
            "evidence": "notice",
            "storage": "Ireland",
        },
        {
            "system": "Monitoring",
            "category": "safeguarding",
            "items": ["pupil.online.browsing_history"],
            "lawful_basis": "public task",
            "evidence": "notice",
            "retention": "a year",
            "destruction": "deleted",
            "storage": "UK",
            "viewers": ["DSL"],
        },
        {"system": "AI marking assistant", "category": "classroom_tools", "items": ["pupil"]},
    ]
    check = check_map(rows, special, saved_systems=["Canteen tills", "Monitoring"])
    reasons = {r.system: " ".join(r.dpia) for r in check.rows}
    canteen = reasons["Canteen tills"]
    assert "biometric" in canteen and "special category" in canteen
    assert "outside the UK (Ireland;" in canteen and "not an ICO criterion" in canteen
    assert "monitoring or filtering" in reasons["Monitoring"]
    assert "AI tool" in reasons["AI marking assistant"]
    gaps = {r.system: r.gaps for r in check.rows}
    assert gaps["Monitoring"] == [] and "retention" in gaps["Canteen tills"]
    assert check.completeness == round(100 * (3 + 6 + 0) / 18)  # 3 of 6 fields, 6 of 6, none
    assert "When do we need to do a DPIA?" in check.citation and "not quoted" in check.citation
    assert "https://ico.org.uk/" in check.citation
    new = check_map(rows[:1], special, saved_systems=[])
    assert "a new tool" in " ".join(new.rows[0].dpia)


def test_sessions_expire_close_and_csrf_never_matches_a_missing_value() -> None:
    now = [1000.0]
    sessions = SessionStore(lifetime=60, clock=lambda: now[0])
    one = sessions.open("hash")
    assert sessions.get(one.id) is one and sessions.get("other") is None
    now[0] += 61
    assert sessions.get(one.id) is None
    two = sessions.open("hash")
    sessions.close(two.id)
    assert sessions.get(two.id) is None
    assert csrf_matches(two.csrf, two.csrf) and not csrf_matches(two.csrf, "")
    assert not csrf_matches(None, None)


def test_failed_sign_ins_are_limited_per_address() -> None:
    limit = SignInLimit(attempts=3, window=60)
    for _ in range(3):
        assert not limit.blocked("10.0.0.1")
        limit.failed("10.0.0.1")
    assert limit.blocked("10.0.0.1") and not limit.blocked("10.0.0.2")
