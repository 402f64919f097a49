"""Build the capability classification from O*NET's work activities.

    .venv/bin/python scripts/build_classification.py \
        [--data-dir /work/shared/data] [--out foresight/data/classification.json]

Inputs (O*NET files are tab-separated, unquoted):
- onet/Content Model Reference.txt: the 41 Generalized Work Activities (GWAs).
- onet/IWA Reference.txt: the 332 Intermediate Work Activities, each under one GWA.
- onet/DWA Reference.txt: the 2,087 Detailed Work Activities, each under one IWA.
- foresight/data/classification_domains.csv (hand-authored): one row per functional
  domain with its function, name, description, the GWAs it is drawn from (its "home"
  GWAs, space-separated) and the rationale for the function (documentation only).
- foresight/data/classification_mapping.csv (hand-authored): one row per IWA with the
  functional area it belongs to. An area's domain is given by its code (A07.2 sits
  in D07). An IWA placed outside its GWA's home domains must say why in `note`.

A GWA's function is the function of its home domains, so those must agree. Every
IWA sits in exactly one area and every DWA inherits its IWA's area. The output is
written with sorted keys and sorted lists, so the same inputs give the same bytes.
Stdlib only: it runs before Django is set up.
"""

import argparse
import csv
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAPPING_DIR = REPO / "foresight" / "data"

VERSION = "1.0"

# In position order; descriptions follow DESIGN.md and the documented mapping.
FUNCTIONS = {
    "Design": "Research, analyse, conceive and specify products, processes, systems "
    "and programmes.",
    "Implement": "Make, build, install, operate and test products and processes, and "
    "deliver hands-on services.",
    "Logistics": "Source, store, move and supply materials, products, people and "
    "information, and keep the records.",
    "Support": "Assure quality and compliance, and keep people, equipment, workplaces "
    "and data working: maintenance, IT, safety, training and advice.",
    "Enterprise": "Lead, plan, finance and manage the organisation and its people, "
    "sell, and deal with customers and the public.",
}

SOURCE = (
    "O*NET 29.3 Database, Content Model Reference / IWA Reference / DWA Reference. "
    "This product includes information from the O*NET 29.3 Database by the U.S. "
    "Department of Labor, Employment and Training Administration (USDOL/ETA). Used "
    "under the CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA. We have "
    "modified all or some of this information (converted from Excel to tab-separated "
    "text). USDOL/ETA has not approved, endorsed, or tested these modifications."
)

HOW_BUILT = (
    "Each of O*NET's 41 Generalized Work Activities (GWAs) is assigned to one of the "
    "five functions, and to one or more functional domains of that function, by the "
    "hand-authored mapping in foresight/data/classification_domains.csv. Each of the "
    "332 Intermediate Work Activities (IWAs) is grouped into one functional area by "
    "foresight/data/classification_mapping.csv; an area belongs to one domain. An IWA "
    "normally stays within its GWA's domains; those placed elsewhere are listed under "
    "reassigned_iwas with the reason. Every Detailed Work Activity (DWA) inherits the "
    "area of its IWA, so an O*NET task reaches an area through its DWAs. Area "
    "descriptions list the titles of their IWAs. Regenerate with: .venv/bin/python "
    "scripts/build_classification.py --data-dir /work/shared/data --out "
    "foresight/data/classification.json"
)

ELEMENT = {"Element ID", "Element Name"}
IWA = {"IWA ID", "IWA Title"}
DWA = {"DWA ID", "DWA Title"}
DOMAIN_COLUMNS = {"code", "function", "name", "gwas", "description", "rationale"}
MAPPING_COLUMNS = {"iwa_id", "area_code", "area_name", "iwa_title", "note"}

GWA_ID = re.compile(r"^4\.A\.\d\.[a-z]\.\d+$")
DOMAIN_CODE = re.compile(r"^D(\d{2})$")
AREA_CODE = re.compile(r"^A(\d{2})\.(\d+)$")


class BuildError(Exception):
    """The inputs disagree; the message says where."""


@dataclass(frozen=True)
class Onet:
    gwas: dict[str, str]  # GWA id -> name
    iwas: dict[str, tuple[str, str]]  # IWA id -> (GWA id, title)
    dwas: dict[str, str]  # DWA id -> IWA id


@dataclass
class Area:
    code: str
    name: str
    iwas: list[str]


def read_rows(path: Path, columns: set[str], **options) -> list[dict[str, str]]:
    if not path.is_file():
        raise BuildError(f"{path}: no such file")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, **options)
        missing = columns - set(reader.fieldnames or [])
        if missing:
            raise BuildError(f"{path}: missing columns {sorted(missing)}")
        return list(reader)


def read_tsv(path: Path, columns: set[str]) -> list[dict[str, str]]:
    return read_rows(path, columns, delimiter="\t", quoting=csv.QUOTE_NONE)


def read_onet(onet_dir: Path) -> Onet:
    gwas = {
        row["Element ID"]: row["Element Name"]
        for row in read_tsv(onet_dir / "Content Model Reference.txt", ELEMENT)
        if GWA_ID.match(row["Element ID"])
    }

    iwas = {}
    for row in read_tsv(onet_dir / "IWA Reference.txt", ELEMENT | IWA):
        if row["Element ID"] not in gwas:
            raise BuildError(
                f"IWA {row['IWA ID']} names unknown GWA {row['Element ID']}"
            )
        iwas[row["IWA ID"]] = (row["Element ID"], row["IWA Title"])

    dwas = {}
    for row in read_tsv(onet_dir / "DWA Reference.txt", IWA | DWA):
        if row["IWA ID"] not in iwas:
            raise BuildError(f"DWA {row['DWA ID']} names unknown IWA {row['IWA ID']}")
        if row["DWA ID"] in dwas:
            raise BuildError(f"DWA {row['DWA ID']} appears twice in DWA Reference")
        dwas[row["DWA ID"]] = row["IWA ID"]
    return Onet(gwas, iwas, dwas)


def read_domains(path: Path, onet: Onet) -> dict[str, dict]:
    domains: dict[str, dict] = {}
    for line, row in enumerate(read_rows(path, DOMAIN_COLUMNS), start=2):
        where = f"{path.name} line {line}"
        code = row["code"]
        if not DOMAIN_CODE.match(code):
            raise BuildError(f"{where}: domain code {code!r} is not like D07")
        if code in domains:
            raise BuildError(f"{where}: domain {code} is defined twice")
        if row["function"] not in FUNCTIONS:
            raise BuildError(f"{where}: unknown function {row['function']!r}")
        gwas = row["gwas"].split()
        unknown = [gwa for gwa in gwas if gwa not in onet.gwas]
        if not gwas or unknown:
            raise BuildError(f"{where}: domain {code} needs known GWA ids, got {gwas}")
        domains[code] = {
            "code": code,
            "name": row["name"].strip(),
            "function": row["function"],
            "description": row["description"].strip(),
            "gwas": sorted(gwas),
        }
    return domains


def gwa_functions(domains: dict[str, dict], onet: Onet) -> dict[str, str]:
    """Each GWA's function: the one function shared by all its home domains."""
    functions: dict[str, set[str]] = {gwa: set() for gwa in onet.gwas}
    for domain in domains.values():
        for gwa in domain["gwas"]:
            functions[gwa].add(domain["function"])
    for gwa, found in functions.items():
        if len(found) != 1:
            raise BuildError(
                f"GWA {gwa} ({onet.gwas[gwa]}) must have exactly one function through "
                f"its domains; it has {sorted(found) or 'none'}"
            )
    return {gwa: found.pop() for gwa, found in functions.items()}


def read_mapping(
    path: Path, onet: Onet, domains: dict[str, dict]
) -> tuple[dict[str, Area], dict[str, str]]:
    """The areas, and the reasons for IWAs placed outside their GWA's domains."""
    areas: dict[str, Area] = {}
    placed: dict[str, str] = {}
    reassigned: dict[str, str] = {}
    for line, row in enumerate(read_rows(path, MAPPING_COLUMNS), start=2):
        where = f"{path.name} line {line}"
        iwa, code, name = row["iwa_id"], row["area_code"], row["area_name"].strip()
        if iwa not in onet.iwas:
            raise BuildError(f"{where}: {iwa!r} is not an IWA in IWA Reference")
        if iwa in placed:
            raise BuildError(
                f"{where}: IWA {iwa} is mapped twice ({placed[iwa]}, {code})"
            )
        gwa, title = onet.iwas[iwa]
        if row["iwa_title"] != title:
            raise BuildError(f"{where}: IWA {iwa} is titled {title!r} in O*NET")
        domain = area_domain(code, where, domains)
        area = areas.setdefault(code, Area(code, name, []))
        if area.name != name:
            raise BuildError(
                f"{where}: area {code} is named both {area.name!r} and {name!r}"
            )
        if gwa not in domains[domain]["gwas"]:
            if not row["note"].strip():
                raise BuildError(
                    f"{where}: IWA {iwa} (GWA {gwa}) is placed in {domain}, outside its "
                    "GWA's domains; say why in the note column"
                )
            reassigned[iwa] = row["note"].strip()
        area.iwas.append(iwa)
        placed[iwa] = code

    unmapped = sorted(set(onet.iwas) - set(placed))
    if unmapped:
        raise BuildError(f"{path.name}: {len(unmapped)} IWAs are unmapped: {unmapped}")
    return areas, reassigned


def area_domain(code: str, where: str, domains: dict[str, dict]) -> str:
    match = AREA_CODE.match(code)
    if not match:
        raise BuildError(f"{where}: area code {code!r} is not like A07.2")
    domain = f"D{match.group(1)}"
    if domain not in domains:
        raise BuildError(f"{where}: area {code} belongs to undefined domain {domain}")
    return domain


def check_names(domains: dict[str, dict], areas: dict[str, Area]) -> None:
    # Domain and area names are unique in the database; keep them apart here too.
    seen: dict[str, str] = {}
    named = [(d["code"], d["name"]) for d in domains.values()]
    named += [(a.code, a.name) for a in areas.values()]
    for code, name in named:
        if not name:
            raise BuildError(f"{code} has no name")
        if name.casefold() in seen:
            raise BuildError(
                f"name {name!r} is used by both {seen[name.casefold()]} and {code}"
            )
        seen[name.casefold()] = code
    empty = sorted(set(domains) - {f"D{a.code[1:3]}" for a in areas.values()})
    if empty:
        raise BuildError(f"domains without any area: {empty}")


def code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", code))


def area_records(onet: Onet, areas: dict[str, Area]) -> list[dict]:
    """The areas in code order, each with its IWAs and their DWAs."""
    dwas_by_iwa: dict[str, list[str]] = {}
    for dwa, iwa in onet.dwas.items():
        dwas_by_iwa.setdefault(iwa, []).append(dwa)

    records = []
    for area in sorted(areas.values(), key=lambda a: code_key(a.code)):
        iwas = sorted(area.iwas)
        titles = " ".join(onet.iwas[iwa][1] for iwa in iwas)
        records.append(
            {
                "code": area.code,
                "name": area.name,
                "domain": f"D{area.code[1:3]}",
                "description": f"O*NET work activities: {titles}",
                "iwas": iwas,
                "dwas": sorted(dwa for iwa in iwas for dwa in dwas_by_iwa.get(iwa, [])),
            }
        )
    return records


def classification(data_dir: Path, mapping_dir: Path) -> dict:
    onet = read_onet(data_dir / "onet")
    domains = read_domains(mapping_dir / "classification_domains.csv", onet)
    functions_of = gwa_functions(domains, onet)
    areas, reassigned = read_mapping(
        mapping_dir / "classification_mapping.csv", onet, domains
    )
    check_names(domains, areas)
    records = area_records(onet, areas)
    placed = sum(len(area["dwas"]) for area in records)
    if placed != len(onet.dwas):
        raise BuildError(f"{placed} of {len(onet.dwas)} DWAs were placed in an area")
    return {
        "version": VERSION,
        "source": SOURCE,
        "how_built": HOW_BUILT,
        "gwa_functions": functions_of,
        "reassigned_iwas": reassigned,
        "counts": {
            "functions": len(FUNCTIONS),
            "domains": len(domains),
            "areas": len(records),
            "iwas": len(onet.iwas),
            "dwas": placed,
        },
        "functions": [
            {
                "name": name,
                "description": description,
                "gwas": sorted(g for g, f in functions_of.items() if f == name),
            }
            for name, description in FUNCTIONS.items()
        ],
        "domains": sorted(domains.values(), key=lambda d: code_key(d["code"])),
        "areas": records,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The same default as settings.REFERENCE_DATA_DIR.
    default_data = (
        os.environ.get("REFERENCE_DATA_DIR") or REPO.parent / "shared" / "data"
    )
    parser.add_argument("--data-dir", type=Path, default=Path(default_data))
    parser.add_argument("--mapping-dir", type=Path, default=MAPPING_DIR)
    parser.add_argument("--out", type=Path, default=MAPPING_DIR / "classification.json")
    args = parser.parse_args(argv)
    try:
        data = classification(args.data_dir, args.mapping_dir)
    except BuildError as error:
        print(f"build_classification: {error}", file=sys.stderr)
        return 1

    # Insertion order, not sorted keys: the header (how it was built) comes first.
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    args.out.write_text(text, encoding="utf-8", newline="\n")
    counts = data["counts"]
    print(
        f"Wrote {args.out}: {counts['domains']} domains, {counts['areas']} areas, "
        f"{counts['iwas']} IWAs, {counts['dwas']} DWAs."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
