"""Number formats of the findings report and its pages."""

from django import template

from reports import svg

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A share as a whole percentage (0.318 → 32%); a dash when there is none."""
    return "–" if value is None else svg.percent(value)


@register.filter
def sum_of(values) -> float:
    return sum(values)
