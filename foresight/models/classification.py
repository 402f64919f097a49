"""The capability classification shared by all cycles:
function → functional domain → functional area → capability statement."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models


class Function(models.Model):
    """One of the five top-level functions (Design, Implement, …)."""

    name = models.CharField(max_length=40, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    function = models.ForeignKey(
        Function, on_delete=models.PROTECT, related_name="domains"
    )
    # A stable identifier from the classification data file, e.g. "D07".
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["function__position", "name"]

    def __str__(self) -> str:
        return self.name


class FunctionalArea(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="areas")
    # A stable identifier from the classification data file, e.g. "A07.2".
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["domain__function__position", "domain__name", "name"]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    ONET_TASK = "onet_task", "O*NET task"
    IFATE_DUTY = "ifate_duty", "IfATE duty"
    ESCO_SKILL = "esco_skill", "ESCO skill"
    WORKSHOP = "workshop", "Workshop"


class Placement(models.TextChoices):
    """How a library statement came to sit in its functional area."""

    WORK_ACTIVITY = "work_activity", "O*NET work activities"
    NEAREST_MEANING = "nearest_meaning", "Nearest meaning"
    CURATED = "curated", "Chosen by a person"


class StatementQuerySet(models.QuerySet):
    def search(self, text: str) -> "StatementQuerySet":
        """Full-text search on PostgreSQL (best match first); a plain contains elsewhere."""
        text = text.strip()
        if not text:
            return self
        if connections[self.db].vendor != "postgresql":
            return self.filter(text__icontains=text)
        vector = SearchVector("text", config="english")
        query = SearchQuery(text, config="english", search_type="websearch")
        return (
            self.annotate(document=vector)
            .filter(document=query)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", "id")
        )


class CapabilityStatement(models.Model):
    """A statement in the shared library; it says what an organisation can do."""

    text = models.TextField()
    area = models.ForeignKey(
        FunctionalArea, on_delete=models.PROTECT, related_name="statements"
    )
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    # The id in the source data set: an O*NET task id, "ST0116 v1.2 D3", an ESCO URI.
    source_ref = models.CharField(max_length=200)
    placement = models.CharField(
        max_length=20, choices=Placement.choices, default=Placement.CURATED
    )
    # Cosine similarity to the area when placed by nearest meaning.
    placement_score = models.FloatField(null=True, blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            # Unconditional, so imports can upsert on it (ON CONFLICT needs a plain
            # unique index); statements written in a workshop get their own refs.
            models.UniqueConstraint(
                fields=["source_kind", "source_ref"], name="unique_statement_source"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class OccupationSource(models.TextChoices):
    ONET = "onet", "O*NET"
    ESCO = "esco", "ESCO"


class ReferenceOccupation(models.Model):
    """An O*NET or ESCO occupation, for suggesting names of future profiles."""

    source = models.CharField(max_length=10, choices=OccupationSource.choices)
    # The O*NET-SOC code ("15-1252.00") or the ESCO concept URI.
    code = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # O*NET: the occupation's tasks; ESCO: its essential skills.
    statements = models.ManyToManyField(
        CapabilityStatement, blank=True, related_name="occupations"
    )

    class Meta:
        ordering = ["source", "title"]
        constraints = [
            models.UniqueConstraint(fields=["source", "code"], name="unique_occupation")
        ]

    def __str__(self) -> str:
        return self.title
