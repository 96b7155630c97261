"""Hostile values for form fields, as Hypothesis strategies.

Each post keeps some fields as the page gave them (so the form gets past its other checks and
the hostile value reaches the deep ones) and replaces the others with something a person, a
browser extension or an attacker might send: huge and negative numbers, blanks, other scripts'
digits, control and formatting characters, overlong text, markup, and wrong choices.
"""

from __future__ import annotations

from hypothesis import strategies as st

from scrutiny.demo import minimal_pdf
from tests.hostile.forms import Field, FoundForm

EDGE_CASES = [
    "", " ", "\t", "\n", "0", "00", "0001", "-0", "-1", "1.5", "1,000", "1e309", "-1e309",
    "NaN", "inf", "-Infinity", "99999999999999999999", "-99999999999999999999",
    str(2**63), str(-(2**63) - 1), "½", "٣", "१२", "１２", "²", "\x00", "a\x00b", "\u202e",
    "\ufeff1", "\u200b", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd",
    "%s%n", "{{ 7*7 }}", "29", "2 9 2023", "31", "13", "2pm", "25:61", "£-5", "£1,00,0.005",
]  # fmt: skip

hostile_text = st.one_of(
    st.sampled_from(EDGE_CASES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=12),
    st.integers(min_value=201, max_value=12_000).map(lambda length: "9" * length),
    st.integers(min_value=201, max_value=12_000).map(lambda length: "é" * length),
)

hostile_files = st.one_of(
    st.binary(max_size=300).map(lambda data: ("upload.pdf", data)),
    st.just(("upload.pdf", b"%PDF-1.7\n<html><body>not a PDF</body></html>")),
    st.just(("upload.pdf", minimal_pdf("A good PDF"))),
    st.just(("empty.pdf", b"")),
    st.just(("../../../etc/passwd.pdf", minimal_pdf("A path in its name"))),
    st.just(("x" * 300 + ".pdf", minimal_pdf("A long name"))),
    st.just(("program.exe", b"MZ\x90\x00")),
    st.just(("evidence.csv", b"a,b\n1,2\n")),
)


def _choices(field: Field):
    wrong = st.one_of(hostile_text, st.integers(min_value=0, max_value=10**12).map(str))
    real = [option for option in field.options if option != ""]
    return st.one_of(st.sampled_from(real), wrong) if real else wrong


def field_value(field: Field):
    """What may be sent for one field: the page's own value, or something hostile."""
    if field.kind == "file":
        return st.one_of(st.none(), hostile_files)
    if field.kind in ("select", "radio", "checkbox") and field.options:
        one = _choices(field)
        if field.multiple or field.kind == "checkbox":
            return st.lists(one, max_size=4)
        return one
    return hostile_text


def as_given(field: Field):
    """The value the page gave the field (a checked box's value, a selected option), or for a
    choice left empty its first real option, so that the post gets past it."""
    if field.kind == "file":
        return None
    real = [option for option in field.options if option != ""]
    if field.kind == "checkbox":
        return [field.value] if field.value else real[:1] if field.multiple else []
    if field.kind in ("select", "radio") and not field.value and real:
        return real[0]
    return field.value


def post_data(form: FoundForm, overrides: dict[str, str] | None = None):
    """Data for one post: each field as the page gave it (or `overrides`), or hostile."""
    overrides = overrides or {}
    parts = {}
    for name, field in form.fields.items():
        if name == "csrfmiddlewaretoken":
            continue
        given = overrides.get(name, as_given(field))
        hostile = field_value(field)
        parts[name] = st.one_of(st.just(given), hostile, hostile)  # hostile two times in three
    # A field the form does not have, as a tampered page might send.
    parts["unexpected_field"] = st.one_of(st.none(), hostile_text)
    return st.fixed_dictionaries(parts)
