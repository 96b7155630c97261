"""Show integer pence as pounds: `{{ amount|pounds }}` gives £2,157,000.00."""

from django import template

register = template.Library()


def format_pence(pence: int | None) -> str:
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(int(pence)), 100)
    return f"{sign}£{pounds:,}.{pennies:02d}"


register.filter("pounds", format_pence)
