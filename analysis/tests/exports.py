"""Small hand-made IfATE exports, shaped like the API's records (SOURCES.md §1)."""

import gzip
import json
from pathlib import Path
from typing import Any

APPROVED = "Approved for delivery"


def guid(reference: str, version: str, name: str) -> str:
    return f"{reference}-{version}-{name}"


def record(
    reference: str, version: str = "1.0", *, duties: int = 2, **fields: Any
) -> dict:
    """One API record with two knowledges, a skill and a behaviour; every duty
    maps K1, S1 and B1."""

    def ids(name: str) -> str:
        return guid(reference, version, name)

    base = {
        "referenceNumber": reference,
        "version": version,
        "title": f"Standard {reference}",
        "level": 3,
        "status": APPROVED,
        "route": "Digital",
        "templateType": "Structured Apprenticeship Standard",
        "overviewOfRole": f"Overview of {reference} v{version}.",
        "occupationalSummary": "",
        "occupationCode": f"OCC{reference[2:]}",
        "typicalJobTitles": ["Maker"],
        "approvedForDelivery": "2020-01-02T00:00:00 +00:00",
        "latestStartDate": None,
        "latestEndDate": None,
        "lastUpdated": "2025-03-04T00:00:00 +00:00",
        "knowledges": [
            {"knowledgeId": ids("k1"), "detail": "First knowledge"},
            {"knowledgeId": ids("k2"), "detail": "Second knowledge"},
        ],
        "skills": [{"skillId": ids("s1"), "detail": "A skill"}],
        "behaviours": [{"behaviourId": ids("b1"), "detail": "A behaviour"}],
        "duties": [
            {
                "dutyID": ids(f"d{number}"),
                "dutyDetail": f"Duty {number} of {reference} v{version}",
                "isThisACoreDuty": 1,
                "mappedKnowledge": [ids("k1")],
                "mappedSkills": [ids("s1")],
                "mappedBehaviour": [ids("b1")],
                "mappedOptions": None,
                "criteriaForMeasuringPerformance": "",
            }
            for number in range(1, duties + 1)
        ],
    }
    return base | fields


def write_export(path: Path, records: list, *, gz: bool = True) -> Path:
    data = json.dumps(records).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path
