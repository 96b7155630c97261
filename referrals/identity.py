"""Keyed hashes of the identifiers typed into the referral form; the identifiers are discarded.

The referral form asks for the person's name, date of birth, postcode and house number or name.
None of them is stored. Each is normalised, so that the same person typed slightly differently
still matches, and then turned into an HMAC-SHA256 with settings.IDENTITY_HASH_KEY:

- the person key, from name and date of birth, finds repeat referrals of the same person;
- the address key, from postcode and house number or name, finds repeat referrals to the same
  household (the committee asked for incidents per household, context/000);
- the case key, from a provider's own case ID and the provider, matches the rows of a
  provider's return to the referrals an earlier return made (referrals.imports).

Without the key, a hash cannot be reversed by trying likely names and dates. Rotating the key
breaks matching with earlier referrals, so it is kept with the database backups' secrets.

Normalising: casefold, strip accents (NFKD, then drop combining marks), remove punctuation and
collapse whitespace, so "Zoë  O'Neil-Smith" and "zoe oneilsmith" give the same key. Postcodes
are uppercased with every space removed; dates of birth are ISO dates.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import date

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

# Different purposes never give the same digest for the same text.
_PERSON = "person"
_ADDRESS = "address"
_CASE = "case"
_SEPARATOR = "\x1f"


@sensitive_variables()
def normalise_text(value: str) -> str:
    """Casefolded, without accents or punctuation, single spaces: for names and house names."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category.startswith("M") or category.startswith("P") or category.startswith("S"):
            continue
        kept.append(char)
    return " ".join("".join(kept).split())


@sensitive_variables()
def normalise_postcode(value: str) -> str:
    """Uppercase letters and digits only: "zz99 9zz" and "ZZ999ZZ" are the same postcode."""
    return "".join(char for char in value.upper() if char.isalnum())


@sensitive_variables()
def normalise_date_of_birth(value: date) -> str:
    return value.isoformat()


def _digest(message: bytes, key: bytes | None = None) -> str:
    secret = settings.IDENTITY_HASH_KEY.encode() if key is None else key
    return hmac.digest(secret, message, hashlib.sha256).hex()


@sensitive_variables()
def _keyed_hash(purpose: str, *parts: str) -> str:
    return _digest(_SEPARATOR.join((purpose, *parts)).encode())


@sensitive_variables()
def person_key(name: str, date_of_birth: date) -> str:
    """The keyed hash that identifies a person across referrals, without naming them."""
    return _keyed_hash(_PERSON, normalise_text(name), normalise_date_of_birth(date_of_birth))


@sensitive_variables()
def address_key(postcode: str, house: str) -> str:
    """The keyed hash of a household: postcode plus house number or name."""
    return _keyed_hash(_ADDRESS, normalise_postcode(postcode), normalise_text(house))


@sensitive_variables()
def case_key(provider_id: int, case_id: str) -> str:
    """The keyed hash of a provider's own case ID: per provider, so two providers' case 123 are
    different cases. Surrounding spaces are not part of the ID."""
    return _keyed_hash(_CASE, str(provider_id), case_id.strip())


def demo_key(purpose: str, token: str, hash_key: bytes | None = None) -> str:
    """A key for fictional demo people and households, made the same way as real keys (not
    through the sensitive wrapper: a demo token is not identifying, and a million are made;
    `hash_key`, settings.IDENTITY_HASH_KEY encoded, saves reading the setting each time)."""
    return _digest(_SEPARATOR.join((f"demo-{purpose}", token)).encode(), hash_key)
