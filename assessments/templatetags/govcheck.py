"""Template tags for the page frame: the organisation menu."""

from __future__ import annotations

from typing import Any

from django import template

from assessments.selectors import memberships_for_user
from assessments.views.common import SESSION_ORGANISATION

register = template.Library()


@register.simple_tag(takes_context=True)
def organisation_menu(context: template.Context) -> dict[str, Any]:
    """The user's memberships and the current one, in one query."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"memberships": [], "current": None}
    memberships = list(memberships_for_user(user=request.user))
    slug = request.session.get(SESSION_ORGANISATION)
    current = next((m for m in memberships if m.organisation.slug == slug), None)
    return {
        "memberships": memberships,
        "current": current or (memberships[0] if memberships else None),
    }
