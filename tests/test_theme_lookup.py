"""The theme's shortcut for ``x.name`` on plain dictionaries (generator.theme_lookup) gives what
Jinja's own lookup gives, for every name: keys, missing keys, and names that are also methods."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.interface_strings import InterfaceStrings
from generator.theme_lookup import fast_getattr

# Names a dictionary also has as attributes (methods, dunders), an instance attribute of
# InterfaceStrings, and ordinary keys.
NAMES = st.one_of(
    st.sampled_from(["items", "get", "keys", "values", "copy", "__class__", "__len__", "shown"]),
    st.sampled_from(["title", "meta", "reviewed", "crisis_lead", "x"]),
    st.text(max_size=6),
)
VALUES = st.one_of(st.integers(), st.text(max_size=4), st.none())


def _same(one: Any, other: Any) -> bool:
    if isinstance(one, jinja2.Undefined) or isinstance(other, jinja2.Undefined):
        return (
            type(one) is type(other)
            and one._undefined_obj is other._undefined_obj
            and one._undefined_name == other._undefined_name
        )
    return one is other or one == other


@pytest.mark.parametrize("undefined", [jinja2.Undefined, jinja2.StrictUndefined])
@given(mapping=st.dictionaries(NAMES, VALUES, max_size=6), name=NAMES)
def test_a_dictionary_gives_what_jinja_gives(undefined, mapping: dict, name: str) -> None:
    env = jinja2.Environment(undefined=undefined)
    assert _same(fast_getattr(env)(mapping, name), env.getattr(mapping, name))


@given(mapping=st.dictionaries(NAMES, st.text(max_size=4), max_size=6), name=NAMES)
def test_interface_strings_give_what_jinja_gives(mapping: dict, name: str) -> None:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    strings = InterfaceStrings(mapping, "templates/strings/en.yml")
    try:
        expected: Any = env.getattr(strings, name)
    except jinja2.TemplateRuntimeError as exc:
        expected = exc
    try:
        found: Any = fast_getattr(env)(strings, name)
    except jinja2.TemplateRuntimeError as exc:
        found = exc
    if isinstance(expected, jinja2.TemplateRuntimeError):
        assert isinstance(found, jinja2.TemplateRuntimeError) and str(found) == str(expected)
    else:
        assert _same(found, expected)


def test_a_template_reads_keys_and_methods_as_before() -> None:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.getattr = fast_getattr(env)
    meta = {"title": "Costs", "items": "a key named like a method"}
    template = env.from_string("{{ meta.title }} {{ meta.items() | list | length }} {{ meta.x }}")
    with pytest.raises(jinja2.UndefinedError, match="has no attribute 'x'"):
        template.render(meta=meta)
    assert env.from_string("{{ meta.title }}|{{ meta.get('title') }}").render(meta=meta) == (
        "Costs|Costs"
    )
