"""The worked example of DOMAIN.md ("where can the postcode end up"), built as a small graph
through the real writer and asked through the real service: evidence classes, containment,
derived items, dates and the retention summary."""

from __future__ import annotations

from datetime import date

import pytest

from graph.db import Database
from graph.journey_query import JourneyQuery
from graph.journeys import JourneyService
from graph.loadplan import LoadReport
from graph.model import ActorRecord, Claim, Evidence, FlowRecord, SourceRecord
from graph.writer import write_plan
from loaders.catalogue import catalogue_plan

pytestmark = pytest.mark.integration
POSTCODE = "pupil.contact.postcode"


def actor(actor_id: str, kind: str, org_type: str) -> ActorRecord:
    return ActorRecord(
        id=actor_id,
        kind=kind,
        name=actor_id.split(":")[1],
        org_type=org_type,
        evidence=[Evidence(source="example")],
    )


def flow(flow_id: str, a: str, b: str, items: list[str], **extra: object) -> FlowRecord:
    return FlowRecord.model_validate(
        {
            "id": f"flow:{flow_id}",
            "kind": "data_share",
            "source_actor": a,
            "target_actor": b,
            "items": items,
            "claims": [Claim(source="example")],
            **extra,
        }
    )


@pytest.fixture()
def example(db: Database) -> JourneyService:
    plan = catalogue_plan("example")
    plan.sources.append(
        SourceRecord(id="example", title="A worked example (test data)", kind="unverified")
    )
    plan.actors = [
        actor("school:1", "School", "school"),
        actor("product:mis", "Product", "supplier"),
        actor("product:extractor", "Product", "supplier"),
        actor("product:app", "Product", "supplier"),
        actor("la:999", "LocalAuthority", "local_authority"),
        actor("dataset:census", "Dataset", "government"),
        actor("dataset:npd", "Dataset", "government"),
        actor("org:newspaper", "Organisation", "media"),
        actor("org:research", "Organisation", "commercial"),
        actor("body:department", "NationalBody", "government"),
        actor("org:charity", "Organisation", "charity"),
        actor("org:mapper", "Organisation", "commercial"),
    ]
    plan.flows = [
        flow(
            "s-mis",
            "school:1",
            "product:mis",
            [
                "pupil.identity.name",
                "pupil.identity.date_of_birth",
                POSTCODE,
                "pupil.identifiers.upn",
                "pupil.characteristics.ethnicity",
            ],
        ),
        flow(
            "mis-extractor",
            "product:mis",
            "product:extractor",
            ["pupil.identity.name", "pupil.identifiers.upn"],
        ),
        flow("extractor-app", "product:extractor", "product:app", ["pupil.identity.name"]),
        flow("s-la", "school:1", "la:999", [POSTCODE, "pupil.identity.name"]),
        flow("la-census", "la:999", "dataset:census", [POSTCODE, "pupil.identity.name"]),
        flow(
            "census-npd",
            "dataset:census",
            "dataset:npd",
            [POSTCODE, "pupil.identity.name"],
            retention="permanent",
            retention_indefinite=True,
        ),
        flow(
            "npd-newspaper",
            "dataset:npd",
            "org:newspaper",
            ["pupil.characteristics.ethnicity"],
            tier=2,
        ),
        flow("npd-research", "dataset:npd", "org:research", [], tier=1),
        flow(
            "npd-department",
            "dataset:npd",
            "body:department",
            ["pupil.identity.name", "pupil.contact.address"],
            valid_from="2015-12-18",
            valid_to="2018-06",
        ),
        flow("npd-charity", "dataset:npd", "org:charity", []),
        flow(
            "npd-mapper",
            "dataset:npd",
            "org:mapper",
            ["pupil.derived.area_codes"],
            retention="5 years",
        ),
    ]
    write_plan(db, plan, LoadReport("example", "test"))
    return JourneyService(db)


def classes(service: JourneyService, **options: object) -> dict[str, str]:
    result = service.reach(JourneyQuery(origin="school:1", item=POSTCODE, **options))  # type: ignore[arg-type]
    return {r.actor.id: r.evidence for r in result.reached}


def test_the_worked_example(example: JourneyService) -> None:
    got = classes(example)
    assert got == {
        "product:mis": "stated",
        "la:999": "stated",
        "dataset:census": "stated",
        "dataset:npd": "stated",
        "body:department": "stated",  # an address holds the postcode
        "org:research": "implied",  # tier 1 covers a postcode
        "org:charity": "unknown",  # its flow states nothing
    }
    # not reached: the extractor and the app (their items exclude it), the newspaper (its
    # source lists items without the postcode), the mapper (only derived data, not asked for)


def test_include_derived_follows_area_codes(example: JourneyService) -> None:
    got = classes(example, include_derived=True)
    assert got["org:mapper"] == "stated"
    result = example.reach(JourneyQuery(origin="school:1", item=POSTCODE, include_derived=True))
    mapper = next(r for r in result.reached if r.actor.id == "org:mapper")
    assert mapper.path[-1].derived is True and mapper.path[0].derived is False


def test_as_of_before_during_and_after_a_flow(example: JourneyService) -> None:
    assert "body:department" not in classes(example, as_of=date(2015, 1, 1))
    assert "body:department" in classes(example, as_of=date(2017, 1, 1))
    assert "body:department" in classes(example, as_of=date(2018, 6, 30))
    assert "body:department" not in classes(example, as_of=date(2018, 7, 1))


def test_summary_says_it_is_kept_permanently(example: JourneyService) -> None:
    summary = example.reach(
        JourneyQuery(origin="school:1", item=POSTCODE, include_derived=True)
    ).summary
    assert summary.kept_indefinitely and summary.kept_indefinitely_by == ["dataset:npd"]
    assert summary.longest_retention == "indefinitely"
    assert summary.by_evidence == {"stated": 6, "implied": 1, "unknown": 1}
    assert summary.highest_tier == 1
    assert summary.by_type["commercial"] == 2


def test_a_shorter_weaker_path_does_not_hide_a_stronger_one(db: Database) -> None:
    plan = catalogue_plan("example")
    plan.sources.append(SourceRecord(id="example", title="test data", kind="unverified"))
    plan.actors = [actor(f"org:{n}", "Organisation", "other") for n in "abcd"]
    plan.flows = [
        flow("a-d", "org:a", "org:d", []),  # direct, but states nothing: unknown
        flow("a-b", "org:a", "org:b", [POSTCODE]),
        flow("b-c", "org:b", "org:c", [POSTCODE]),
        flow("c-d", "org:c", "org:d", [POSTCODE]),
    ]
    write_plan(db, plan, LoadReport("example", "test"))
    result = JourneyService(db).reach(JourneyQuery(origin="org:a", item=POSTCODE))
    d = next(r for r in result.reached if r.actor.id == "org:d")
    assert d.evidence == "stated" and d.hops == 3
