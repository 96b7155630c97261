"""`{{ share|percent }}` gives 25.3%, 31% or – for no value."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{Decimal(value).normalize():f}%"


@register.filter
def fte(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{Decimal(value).normalize():f}"
