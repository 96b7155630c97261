"""Validators built from the schemas copied into commissioning/opendata/schemas/ (see its
README), so the tests need no network.

- Open Referral UK: the compiled schemas and the OpenAPI description's `Page`, as JSON Schema
  2020-12 (the description's dialect), with format checks (uuid, uri, email, date-time).
- OCDS 1.1.5: the release package schema, its release schema patched with the Budget Breakdown
  extension (a JSON Merge Patch, RFC 7386, applied here as the standard's tools apply it), as
  JSON Schema draft 4 with format checks.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

import commissioning.opendata

SCHEMAS = Path(commissioning.opendata.__file__).parent / "schemas"
ORUK = SCHEMAS / "open-referral-uk"
OCDS = SCHEMAS / "ocds"
ORUK_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
OCDS_RELEASE = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch: how an OCDS extension's release-schema.json is applied."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _checker() -> FormatChecker:
    checker = FormatChecker()
    # The format checks must really run: without rfc3339-validator and rfc3986-validator
    # installed, jsonschema would pass any date-time or uri silently.
    assert not checker.conforms("not a date", "date-time")
    assert not checker.conforms("not a uri", "uri")
    return checker


@cache
def oruk(name: str) -> Draft202012Validator:
    """A validator for one Open Referral UK schema, e.g. oruk("compiled/service.json")."""
    registry = Registry()
    for path in ORUK.glob("*.json"):
        resource = Resource.from_contents(load(path), default_specification=DRAFT202012)
        registry = registry.with_resource(ORUK_BASE + path.name, resource)
    schema = load(ORUK / name.removeprefix("compiled/"))
    base = ORUK_BASE + name
    return Draft202012Validator(
        {**schema, "$id": base}, registry=registry, format_checker=_checker()
    )


@cache
def page() -> Draft202012Validator:
    schema = load(ORUK / "openapi.json")["components"]["schemas"]["Page"]
    required = {**schema, "required": list(schema["properties"]), "additionalProperties": True}
    return Draft202012Validator(required, format_checker=_checker())


def patched_release_schema() -> dict:
    release = load(OCDS / "release-schema.json")
    return merge_patch(release, load(OCDS / "budget-breakdown" / "release-schema.json"))


@cache
def ocds_package() -> Draft4Validator:
    release = Resource.from_contents(patched_release_schema(), default_specification=DRAFT4)
    registry = Registry().with_resource(OCDS_RELEASE, release)
    return Draft4Validator(
        load(OCDS / "release-package-schema.json"), registry=registry, format_checker=_checker()
    )


def errors(validator, instance) -> list[str]:
    """Every validation error, with where it is, for an assertion message."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(instance)
    ]
