"""The Jinja2 environment of the templates under templates/jinja2/ (the questionnaire's
questions): autoescaped like every template, and strict, so that a name the template reads but
the view does not give is an error instead of an empty string."""

from __future__ import annotations

from typing import Any

import jinja2
from django.utils.html import linebreaks
from markupsafe import Markup


def _linebreaks(value: str) -> Markup:
    """Paragraphs and line breaks, like the Django filter of the same name (most guidance is
    one paragraph: that needs no regular expression)."""
    if "\n" not in value and "\r" not in value:
        return Markup("<p>%s</p>") % value
    return Markup(linebreaks(value, autoescape=True))  # noqa: S704 - escaped by linebreaks


def environment(**options: Any) -> jinja2.Environment:
    options["undefined"] = jinja2.StrictUndefined
    env = jinja2.Environment(**options)  # noqa: S701 - Django's backend passes autoescape=True
    env.filters["linebreaks"] = _linebreaks
    return env
