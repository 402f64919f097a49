from dataclasses import replace

from django import template

from insights.access import may_see_insights
from insights.navigation import links, profile_iteration

register = template.Library()


@register.simple_tag(takes_context=True)
def insight_links(context) -> list:
    """The insight navigation for the page being rendered: empty for members
    who may not see the insights (the profile pages show it too)."""
    cycle = context.get("cycle")
    if cycle is None or not may_see_insights(cycle):
        return []
    # Insight views put the iteration in the context; other pages cost a query.
    if "profile_iteration" in context:
        iteration = context["profile_iteration"]
    else:
        iteration = profile_iteration(cycle)
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    run = getattr(context.get("run"), "pk", None)
    found = links(cycle, iteration, match.url_name if match else "", run)
    # The current page's link leads to this very page (another profile, an
    # earlier iteration), so aria-current never points elsewhere.
    return [replace(link, url=request.path) if link.current else link for link in found]
