from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from analysis.forms import StandardFilterForm
from analysis.ifate import FRAMEWORK_SLUG, code_number, version_key
from analysis.models import Framework, KsbKind, Standard, StandardVersion
from foresight.access import reference_reader_required

PAGE_SIZE = 50
KSB_HEADINGS = {
    KsbKind.KNOWLEDGE: "Knowledge",
    KsbKind.SKILL: "Skills",
    KsbKind.BEHAVIOUR: "Behaviours",
}


@reference_reader_required
def standards(request: HttpRequest) -> HttpResponse:
    framework = Framework.objects.filter(slug=FRAMEWORK_SLUG).first()
    standards = Standard.objects.filter(framework=framework)
    form = StandardFilterForm(request.GET, standards)
    context = {"framework": framework, "form": form}
    if not form.is_valid():
        return render(request, "analysis/standards.html", context, status=400)

    rows = form.filter(standards).with_current_version().order_by("reference")
    context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "analysis/standards.html", context)


@reference_reader_required
def standard_detail(request: HttpRequest, reference: str) -> HttpResponse:
    standard = get_object_or_404(
        Standard.objects.select_related("framework"),
        framework__slug=FRAMEWORK_SLUG,
        reference=reference,
    )
    versions = standard.versions.annotate(
        duty_count=Count("duties", distinct=True),
        ksb_count=Count("ksbs", distinct=True),
    )
    versions = sorted(versions, key=lambda v: version_key(v.version), reverse=True)
    shown = shown_version(versions)

    duties = (
        sorted(shown.duties.all(), key=lambda d: code_number(d.code)) if shown else []
    )
    ksbs = sorted(shown.ksbs.all(), key=lambda k: code_number(k.code)) if shown else []
    ksb_groups = [
        (heading, [ksb for ksb in ksbs if ksb.kind == kind])
        for kind, heading in KSB_HEADINGS.items()
    ]
    context = {
        "standard": standard,
        "versions": versions,
        "shown": shown,
        "duties": duties,
        "ksb_groups": [(heading, group) for heading, group in ksb_groups if group],
    }
    return render(request, "analysis/standard_detail.html", context)


def shown_version(versions: list[StandardVersion]) -> StandardVersion | None:
    """The current version, else the latest, else the highest listed."""
    for flag in ("is_current", "is_latest"):
        for version in versions:
            if getattr(version, flag):
                return version
    return versions[0] if versions else None
