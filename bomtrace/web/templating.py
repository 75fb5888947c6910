"""Templates for the web pages: the report's own jinja2 environment (autoescape on, undefined names an
error) over templates/, so the pages extend the report's base.html and share its partials."""

from __future__ import annotations

from typing import Any

from bomtrace.report.html import environment


def render(name: str, context: dict[str, Any]) -> str:
    """Render one template of templates/ with its context."""
    return environment().get_template(name).render(**context)
