"""Splitting a total in pence into whole-penny amounts that add up to exactly the total.

Every helper uses the largest remainder method: each share is worked out exactly (as a
fraction), rounded down to a whole penny, and the pennies left over go one each to the shares
with the largest fractional remainders; ties go to the earlier share, so the same input always
gives the same answer. £194,000 split equally six ways is four amounts of £32,333.33 and two of
£32,333.34: the first two rows get the extra penny.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction


def largest_remainder(total_pence: int, weights: Sequence[int | Decimal | Fraction]) -> list[int]:
    """Split `total_pence` in proportion to `weights`; the result adds up to `total_pence`."""
    if total_pence < 0:
        raise ValueError("The total to split cannot be negative.")
    if not weights:
        raise ValueError("There is nobody to split the total between.")
    fractions = [Fraction(weight) for weight in weights]
    if any(weight < 0 for weight in fractions):
        raise ValueError("A share cannot be negative.")
    weight_total = sum(fractions)
    if weight_total == 0:
        raise ValueError("The shares add up to nothing, so the total cannot be split by them.")
    quotas = [Fraction(total_pence) * weight / weight_total for weight in fractions]
    amounts = [quota.numerator // quota.denominator for quota in quotas]
    left_over = total_pence - sum(amounts)
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - amounts[i]), i))
    for i in by_remainder[:left_over]:
        amounts[i] += 1
    return amounts


def split_equally(total_pence: int, count: int) -> list[int]:
    """`count` amounts as equal as whole pennies allow."""
    if count < 1:
        raise ValueError("There is nobody to split the total between.")
    return largest_remainder(total_pence, [1] * count)


def split_by_percentages(total_pence: int, percentages: Sequence[Decimal]) -> list[int]:
    """Amounts for stated percentages, which must add up to exactly 100."""
    added = sum(percentages, Decimal(0))
    if added != 100:
        raise ValueError(f"The percentages add up to {added.normalize():f}%, not 100%.")
    return largest_remainder(total_pence, percentages)


def split_by_population(total_pence: int, populations: Sequence[int]) -> list[int]:
    """Amounts in proportion to each recipient's area population."""
    return largest_remainder(total_pence, populations)
