"""Finding the reference data a document names by natural key (functional
areas, library statements, frameworks, standards, their versions and duties),
one query per kind; refusing, with what to import first, if any is missing."""

from analysis.models import Duty, Framework, MatchRun, Standard, StandardVersion
from foresight.models import CapabilityStatement, FunctionalArea
from foresight.transfer.reader import Reader
from foresight.transfer.schema import TransferError


def resolve(reader: Reader) -> None:
    _library(reader)
    _frameworks(reader)
    _standards(reader)
    versions = _versions(reader)
    _duties(reader, versions)


def _library(reader: Reader) -> None:
    codes = {code for _row, _attname, code in reader.area_refs}
    areas = dict(
        FunctionalArea.objects.filter(code__in=codes).values_list("code", "id")
    )
    _fill(
        reader.area_refs,
        areas,
        lambda code: f"Functional area {code}",
        "run import_classification first",
    )

    refs = {ref for _row, _attname, (_kind, ref) in reader.statement_refs}
    statements = CapabilityStatement.objects.filter(source_ref__in=refs)
    statements = {
        (kind, ref): pk
        for kind, ref, pk in statements.values_list("source_kind", "source_ref", "id")
    }
    _fill(
        reader.statement_refs,
        statements,
        lambda natural: f"Library statement {natural[0]} {natural[1]}",
        "run import_library first",
    )


def _frameworks(reader: Reader) -> None:
    slugs = {slug for _row, _attname, slug in reader.framework_refs}
    slugs |= {natural[0] for _row, _attname, natural in reader.standard_refs}
    frameworks = dict(
        Framework.objects.filter(slug__in=slugs).values_list("slug", "id")
    )
    _fill(
        reader.framework_refs,
        frameworks,
        lambda slug: f"Framework {slug!r}",
        "run import_ifate first",
    )


def _standards(reader: Reader) -> None:
    references = {natural[1] for _row, _attname, natural in reader.standard_refs}
    standards = Standard.objects.filter(reference__in=references)
    standards = {
        (slug, reference): pk
        for slug, reference, pk in standards.values_list(
            "framework__slug", "reference", "id"
        )
    }
    _fill(
        reader.standard_refs,
        standards,
        lambda natural: f"Standard {natural[1]}",
        "run import_ifate first",
    )


def _versions(reader: Reader) -> dict[tuple, int]:
    """The standard versions that runs compare and duties belong to, by
    (framework, reference, version); each run's are kept as its links."""
    wanted = {natural for _row, _attname, natural in reader.version_refs}
    wanted |= {natural[:3] for _row, _attname, natural in reader.duty_refs}
    versions = StandardVersion.objects.filter(
        standard__reference__in={natural[1] for natural in wanted}
    )
    versions = {
        (slug, reference, version): pk
        for slug, reference, version, pk in versions.values_list(
            "standard__framework__slug", "standard__reference", "version", "id"
        )
    }
    missing = wanted - set(versions)
    if missing:
        raise _missing(
            [f"Standard {_version_name(natural)}" for natural in missing],
            "run import_ifate first",
        )

    field = MatchRun._meta.get_field("versions")
    owner, other = field.m2m_field_name(), f"{field.m2m_reverse_field_name()}_id"
    for run, _field, natural in reader.version_refs:
        reader.links.append(
            (field.remote_field.through, {owner: run, other: versions[natural]})
        )
    return versions


def _duties(reader: Reader, versions: dict[tuple, int]) -> None:
    # A duty is named by its standard version and its code (D1…Dn).
    with_duties = {
        versions[natural[:3]] for _row, _attname, natural in reader.duty_refs
    }
    by_version = {pk: natural for natural, pk in versions.items()}
    duties = Duty.objects.filter(version_id__in=with_duties).values_list(
        "version_id", "code", "id"
    )
    _fill(
        reader.duty_refs,
        {(*by_version[version], code): pk for version, code, pk in duties},
        lambda natural: f"Duty {natural[3]} of {_version_name(natural)}",
        "run import_ifate first",
    )


def _fill(refs: list[tuple], found: dict, name, remedy: str) -> None:
    """Set each (row, attname, natural key) to the id `found` gives the key,
    or refuse, naming what is missing."""
    missing = {natural for _row, _attname, natural in refs if natural not in found}
    if missing:
        raise _missing([name(natural) for natural in missing], remedy)
    for row, attname, natural in refs:
        setattr(row, attname, found[natural])


def _version_name(natural: tuple) -> str:
    return f"{natural[1]} v{natural[2]}"


def _missing(what, remedy: str) -> TransferError:
    what = sorted(what)
    more = f" (and {len(what) - 1} more)" if len(what) > 1 else ""
    return TransferError(f"{what[0]} is not in this installation{more}: {remedy}.")
