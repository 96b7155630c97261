"""Template helpers for scrutiny pages: `{% load scrutiny %}`, then `{{ text|markdown }}`."""

from django import template

from ..markdown import render_markdown

register = template.Library()

register.filter("markdown", render_markdown)
