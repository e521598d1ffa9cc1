"""The help lines: every "call" or "text" instruction a reader in crisis meets comes with the number
(or a tap-to-call link) right there, and every number and menu option comes from site-config.yml.

The first edition said "For help in Spanish, call and press 2" with no number: a reader could not
follow it. These tests read the built pages, as a reader sees them."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator.page_rendering import tel_href
from tests.conftest import REPO, run_cli

CRISIS = yaml.safe_load((REPO / "site-config.yml").read_text(encoding="utf-8"))["extra"]["crisis"]

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "nav", "span"}
# "call" or "text" as something to do. Not a noun ("the call connects", "text telephone", the
# name of a service) and not a description of where to go ("where to call"); questions, such as
# a heading "Who should I call?", are answered below them rather than followed.
_INSTRUCTION = re.compile(
    r"(?<!\bthe )(?<!\ba )(?<!\bwhere to )(?<!\bwhere to call or )\b(?:call|text)\b(?! telephone)",
    re.IGNORECASE,
)
# A number a reader can dial or text: 988, 911, 1-800-662-4357, 435748.
_NUMBER = re.compile(r"\d{3,}")


class _Sentences(HTMLParser):
    """Each sentence of the visible text, block by block; permalinks and scripts left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style") or (tag == "a" and ("class", "headerlink") in attrs):
            self._skip += 1
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "a") and self._skip:
            self._skip -= 1
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            self.blocks.append(text)

    def sentences(self) -> list[str]:
        self._flush()
        return [s for block in self.blocks for s in re.split(r"(?<=[.!?:])\s+", block) if s]


def instructions_without_a_number(html: str) -> list[str]:
    """Sentences that tell the reader to call or text but give no number to do it with."""
    parser = _Sentences()
    parser.feed(html)
    return [
        s
        for s in parser.sentences()
        if _INSTRUCTION.search(s) and not _NUMBER.search(s) and not s.endswith("?")
    ]


def test_the_checker_catches_the_first_editions_mistake() -> None:
    old = "<p>It is free and private. For help in Spanish, call and press 2.</p>"
    assert instructions_without_a_number(old) == ["For help in Spanish, call and press 2."]
    fixed = '<ul><li>Call <a href="tel:988">988</a>.</li><li>Press 2 for Spanish.</li></ul>'
    assert instructions_without_a_number(fixed) == []
    assert instructions_without_a_number("<p>For the text telephone (TTY), call 711.</p>") == []
    question = "<h2>Who should I call?</h2><p>Once the call ends</p>"
    assert instructions_without_a_number(question) == []
    assert instructions_without_a_number("<p>You can also call if you are worried.</p>") == [
        "You can also call if you are worried."
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("help-lines") / "site"
    assert run_cli("build", "--config", str(REPO / "site-config.yml"), "--out", str(out)) == 0
    return out


def _article(html: str) -> str:
    start = html.index('<article class="md-content__inner')
    return html[start : html.index("</article>", start)]


def _crisis_strip(html: str) -> str:
    start = html.index('<nav class="iop-crisis"')
    return html[start : html.index("</nav>", start)]


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("get-help-now/index.html", _article),
        ("404.html", _article),
        ("index.html", _crisis_strip),
    ],
    ids=["get-help-now", "404-page", "crisis-strip"],
)
def test_every_call_or_text_instruction_has_its_number(site: Path, name: str, part) -> None:
    html = part((site / name).read_text(encoding="utf-8"))
    assert _INSTRUCTION.search(html), "the page tells readers to call or text somewhere"
    assert instructions_without_a_number(html) == []


def test_the_988_menu_comes_from_site_config(site: Path) -> None:
    html = _article((site / "get-help-now" / "index.html").read_text(encoding="utf-8"))
    options = CRISIS["lifeline"]["options"]
    assert [o["press"] for o in options] == [1, 2]
    for option in options:
        assert f"<li>Press {option['press']} for {option['for']}.</li>" in html
    # The menu sits under the instruction to call, which carries the number.
    call = html.index(f'Call <a href="tel:{CRISIS["lifeline"]["call"]}">')
    assert call < html.index("Press 1 for") < html.index("Press 2 for")


@pytest.mark.parametrize(
    ("line", "what"),
    [("helpline", "text_what"), ("violence", "text_what")],
)
def test_text_options_say_what_to_send_and_where(site: Path, line: str, what: str) -> None:
    html = _article((site / "get-help-now" / "index.html").read_text(encoding="utf-8"))
    entry = CRISIS[line]
    expected = f'Text {entry[what]} to\n  <a href="sms:{entry["text"]}">{entry["text"]}</a>'
    assert expected in html


@pytest.mark.parametrize("line", ["emergency", "lifeline", "helpline", "poison", "violence"])
def test_every_crisis_line_in_site_config_is_on_the_help_page(site: Path, line: str) -> None:
    html = _article((site / "get-help-now" / "index.html").read_text(encoding="utf-8"))
    number = CRISIS[line]["call"]
    assert f'<a href="{tel_href(number)}">{number}</a>' in html, line
