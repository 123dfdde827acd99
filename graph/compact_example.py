"""The OpenAPI example of a compact `/reach` answer: a REAL answer on the bundled graph,

    GET /reach?from=example&item=pupil.contact.postcode&max_hops=1&recipient_type=local_authority

(tests/integration/test_compact_answers.py checks that the app still gives exactly this)."""

from typing import Any

EXAMPLE_QUESTION = (
    "/reach?from=example&item=pupil.contact.postcode&max_hops=1&recipient_type=local_authority"
)

EXAMPLE_REACH: dict[str, Any] = {
    "origin": {
        "id": "school:example",
        "name": "Example School (fictional; edflows demonstration)",
        "kind": "School",
        "org_type": "school",
    },
    "item": {
        "id": "pupil.contact.postcode",
        "name": "Home postcode",
        "gdpr": "ordinary",
        "npd_tier": 1,
    },
    "include_derived": False,
    "as_of": None,
    "max_hops": 1,
    "recipient_type": "local_authority",
    "reached": [
        {
            "actor": {
                "id": "la:201",
                "name": "City of London",
                "kind": "LocalAuthority",
                "org_type": "local_authority",
            },
            "evidence": "stated",
            "hops": 1,
            "path": ["flow:census-return:example"],
        }
    ],
    "summary": {
        "total": 1,
        "by_type": {"local_authority": 1},
        "by_evidence": {"stated": 1},
        "by_type_and_evidence": {"local_authority": {"stated": 1}},
        "longest_retention": None,
        "kept_indefinitely": False,
        "kept_indefinitely_by": [],
        "purposes": ["administration_and_accountability"],
        "lawful_bases": [
            "Education Act 1996 s537A; Education (Information About "
            "Individual Pupils) (England) Regulations 2013"
        ],
        "storage_countries": [],
        "highest_tier": None,
    },
    "flows": {
        "flow:census-return:example": {
            "flow_id": "flow:census-return:example",
            "from_id": "school:example",
            "to_id": "la:201",
            "kind": "census_return",
            "evidence": "stated",
            "matched_items": ["pupil.contact.address", "pupil.contact.postcode"],
            "derived": False,
            "items": [
                "pupil.identity.gender",
                "pupil.identity.date_of_birth",
                "pupil.identifiers.upn",
                "pupil.identity.name",
                "pupil.characteristics.ethnicity",
                "pupil.school_history",
                "pupil.characteristics.first_language",
                "pupil.identifiers.uln",
                "pupil.contact.address",
                "pupil.contact.postcode",
                "pupil.sen_health.sen_type",
                "pupil.absence",
                "pupil.exclusion",
                "pupil.care.looked_after",
                "pupil.sen_health.sen_provision",
                "pupil.characteristics.fsm_eligibility",
            ],
            "subjects": ["pupil"],
            "purposes": ["administration_and_accountability"],
            "purpose_text": None,
            "lawful_basis": "Education Act 1996 s537A; "
            "Education (Information About "
            "Individual Pupils) (England) "
            "Regulations 2013",
            "art9_condition": None,
            "retention": None,
            "retention_indefinite": False,
            "storage_country": None,
            "tier": None,
            "valid_from": None,
            "valid_to": None,
            "outcome": None,
            "conflicts": [],
            "disputed_items": [],
            "denied_items": [],
            "disputes": [],
            "figures": [],
            "record": "/flows/flow:census-return:example",
            "source_ids": [
                "govuk-complete-school-census-submit",
                "npd-find-and-explore-metadata",
                "parliament-hl2697",
                "school-census-guide-2018-fenews",
                "slough-statutory-returns-schools",
                "uksi-2013-2094-schedule-1",
            ],
        }
    },
    "sources": {
        "govuk-complete-school-census-submit": {
            "id": "govuk-complete-school-census-submit",
            "title": "Complete the school census: generate and submit your return",
            "publisher": "Department for Education (GOV.UK)",
            "url": "https://www.gov.uk/guidance/complete-the-school-census/submit-your-data",
            "date": None,
            "checked": "2026-11-30",
            "kind": "official_guidance",
        },
        "npd-find-and-explore-metadata": {
            "id": "npd-find-and-explore-metadata",
            "title": "NPD concept taxonomy and data tables "
            "(fixtures of "
            "DFE-Digital/npd-find-and-explore)",
            "publisher": "Department for Education",
            "url": "https://github.com/DFE-Digital/npd-find-and-explore",
            "date": "2021-06-22",
            "checked": "2026-11-30",
            "kind": "official_register",
        },
        "parliament-hl2697": {
            "id": "parliament-hl2697",
            "title": "Written question HL2697 'Pupils: Personal "
            "Records' (Parallel Parliament copy)",
            "publisher": "UK Parliament (copy by Parallel Parliament)",
            "url": "https://parallelparliament.co.uk/question/HL2697/pupils-personal-records",
            "date": None,
            "checked": "2026-11-30",
            "kind": "parliament",
        },
        "school-census-guide-2018-fenews": {
            "id": "school-census-guide-2018-fenews",
            "title": "School census: guide to submitting "
            "data (DfE detailed guide, autumn "
            "2018 dates; FE News copy)",
            "publisher": "Department for Education (copy published by FE News)",
            "url": "https://www.fenews.co.uk/skills/detailed-guide-school-census-guide-to-submitting-data/",
            "date": None,
            "checked": "2026-11-30",
            "kind": "official_guidance",
        },
        "slough-statutory-returns-schools": {
            "id": "slough-statutory-returns-schools",
            "title": "Statutory returns for schools (School Census and School Workforce Census)",
            "publisher": "Slough Borough Council",
            "url": "https://www.slough.gov.uk/key-statistics-data/statutory-returns-schools",
            "date": None,
            "checked": "2026-11-30",
            "kind": "official_guidance",
        },
        "uksi-2013-2094-schedule-1": {
            "id": "uksi-2013-2094-schedule-1",
            "title": "The Education (Information About "
            "Individual Pupils) (England) Regulations "
            "2013, Schedule 1 (as made)",
            "publisher": "legislation.gov.uk",
            "url": "https://www.legislation.gov.uk/uksi/2013/2094/schedules/made",
            "date": "2013-08-22",
            "checked": "2026-11-30",
            "kind": "official_guidance",
        },
    },
}
