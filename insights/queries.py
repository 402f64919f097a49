"""Query pieces the insight modules share."""

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


def subquery_count(queryset: QuerySet, field: str = "pk", distinct: bool = False):
    """COUNT as a scalar subquery, so several counts travel in one query."""
    extra = {"template": "%(function)s(DISTINCT %(expressions)s)"} if distinct else {}
    counted = Func(F(field), function="COUNT", **extra)
    return Subquery(
        queryset.order_by().values(n=counted)[:1], output_field=IntegerField()
    )
