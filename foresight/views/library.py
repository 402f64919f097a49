from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from foresight.access import reference_reader_required
from foresight.models import (
    BackgroundJob,
    CapabilityStatement,
    Function,
    FunctionalArea,
    SourceKind,
)
from foresight.tasks import embed_reference_texts

EMBED_JOB = "embed_reference_texts"


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False)
    function = forms.ModelChoiceField(Function.objects.all(), required=False)
    area = forms.ModelChoiceField(
        FunctionalArea.objects.only("id", "name"),
        label="Functional area",
        required=False,
    )
    source = forms.ChoiceField(
        choices=[("", "Any source"), *SourceKind.choices], required=False
    )

    def filter(self, statements):
        data = self.cleaned_data if self.is_bound else {}
        if data.get("function"):
            statements = statements.filter(area__domain__function=data["function"])
        if data.get("area"):
            statements = statements.filter(area=data["area"])
        if data.get("source"):
            statements = statements.filter(source_kind=data["source"])
        return statements.search(data.get("q", ""))


@reference_reader_required
def library(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "page": None}
        return render(request, "foresight/library.html", context, status=400)

    statements = CapabilityStatement.objects.select_related("area__domain__function")
    page = Paginator(form.filter(statements), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "job": BackgroundJob.objects.filter(kind=EMBED_JOB).first(),
    }
    template = (
        "foresight/library.html#results" if request.htmx else "foresight/library.html"
    )
    return render(request, template, context)


@reference_reader_required
@require_POST
def embed_library(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("Only staff start embedding jobs.")
    job = BackgroundJob.objects.create(kind=EMBED_JOB)
    transaction.on_commit(lambda: embed_reference_texts.delay(job.pk))
    messages.info(request, "Embedding started; progress shows below.")
    return redirect("library")


@reference_reader_required
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(BackgroundJob, pk=job_id)
    return render(request, "foresight/library.html#job", {"job": job})
