"""Pages, data files and configuration from someone not yet trusted: a pull request that CI builds
before anyone has read it. Whatever they hold, `build` and `check` run nothing, read nothing
outside the project, stay within memory, and fail with the file, the line and a fix, leaving the
old site exactly as it was.

The injection tests use a marker file that the trick would create if it ran: the code before the
sandbox ran it (and published the output).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.yaml_loader import MAX_ALIAS_ENTRIES, MAX_FILE_BYTES
from tests.conftest import assert_fails_keeping_site, build, page, write_files

COMMANDS = ["build", "check"]


def _fails_located(
    project: Path,
    command: str,
    capsys,
    *expected: str,
    files: dict | None = None,
    change: Callable[[], object] | None = None,
) -> str:
    """Build once, break the project (write ``files``, or call ``change``), run ``command``: it
    fails, names the place, and the site built before is untouched. Returns the error output."""
    assert build(project) == 0

    def breaking() -> None:
        if files:
            write_files(project, files)
        if change:
            change()

    return assert_fails_keeping_site(project, command, capsys, expected, breaking=breaking)


# ---------------------------------------------------------------- Jinja: the sandbox


def _tricks(marker: Path) -> dict[str, str]:
    """Ways out of a plain Jinja environment into the build machine's shell, each of which would
    create ``marker``."""
    command = f"touch {marker}"
    return {
        "cycler globals": f"{{{{ cycler.__init__.__globals__.os.popen('{command}').read() }}}}",
        "lipsum globals": f"{{{{ lipsum.__globals__['os'].popen('{command}').read() }}}}",
        "joiner via attr filter": (
            "{{ (joiner | attr('__init__') | attr('__globals__'))['os']"
            f".popen('{command}').read() }}}}"
        ),
        "subclasses of object": (
            "{% for c in ''.__class__.__mro__[1].__subclasses__() %}"
            "{% if c.__name__ == 'Popen' %}"
            f"{{{{ c('{command}', shell=True) }}}}"
            "{% endif %}{% endfor %}"
        ),
        "namespace globals": (
            f"{{{{ namespace.__init__.__globals__.os.popen('{command}').read() }}}}"
        ),
    }


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "trick", ["cycler globals", "lipsum globals", "joiner via attr filter", "subclasses of object"]
)
def test_a_page_cannot_run_commands(trick, command, make_project, tmp_path, capsys) -> None:
    marker = tmp_path / "marker-page"
    body = f"Intro line.\n\n{_tricks(marker)[trick]}\n"
    text = page("Home", body)
    line = text.splitlines().index(_tricks(marker)[trick]) + 1
    project = make_project()
    _fails_located(
        project,
        command,
        capsys,
        f"content/index.md:{line}:",
        "not allowed in pages",
        "fix:",
        files={"content/index.md": text},
    )
    assert not marker.exists(), "the page ran a command on the build machine"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_data_file_cannot_run_commands(command, make_project, tmp_path, capsys) -> None:
    marker = tmp_path / "marker-data"
    trick = _tricks(marker)["namespace globals"].replace('"', '\\"')
    data = f'# notes\nnotes:\n  - plain text\n  - "{trick}"\n'
    project = make_project()
    _fails_located(
        project,
        command,
        capsys,
        "content/data/notes.yml:4:",
        "[notes[1]]",
        "not allowed in data files",
        files={"content/data/notes.yml": data},
    )
    assert not marker.exists(), "the data file ran a command on the build machine"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("{{ organisation.update({'x': 1}) }}", "attribute 'update' of 'dict' object is unsafe"),
        ("{% set _ = site.update({'name': 'x'}) %}", "unsafe"),
        ("{{ 'x' * 10 ** 9 }}", "too long"),
        ("{{ 7 ** 100000 }}", "too large a number"),
    ],
)
def test_a_page_cannot_change_data_or_build_huge_values(
    expression, expected, make_project, capsys
) -> None:
    project = make_project()
    _fails_located(
        project,
        "build",
        capsys,
        "content/index.md:14:",
        "not allowed in pages",
        expected,
        files={"content/index.md": page("Home", expression)},
    )


def test_what_a_page_can_do_still_works(make_project) -> None:
    """The sandbox leaves everything README.md lists: variables, filters, loops, conditions,
    arithmetic, the data-table helper, and a namespace for counting in a loop."""
    body = """\
        Days: {{ program.days_per_week * program.hours_per_day }}.
        Call [{{ organisation.phone }}]({{ organisation.phone | tel }}).
        {% set ns = namespace(count=0) %}{% for name in ['a', 'b'] %}{% set ns.count = ns.count + 1 %}{% endfor %}
        Count: {{ ns.count }}. {% if program.telehealth %}Video: yes.{% endif %}

        {{ data_table([{'a': 'one'}], [{'key': 'a', 'heading': 'A'}]) }}
        """  # noqa: E501 - a page line
    project = make_project({"content/index.md": page("Home", body)})
    assert build(project) == 0
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Count: 2." in html
    assert ">A</th>" in html and "<strong>one</strong>" in html


# ---------------------------------------------------------------- links out of the project


@pytest.mark.parametrize("command", COMMANDS)
def test_a_linked_file_outside_the_project_is_refused_and_never_copied(
    command, make_project, tmp_path, capsys
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text(page("Secret", "SECRET-TEXT-OUTSIDE"), encoding="utf-8")
    project = make_project()
    message = _fails_located(
        project,
        command,
        capsys,
        "content/notes.md:",
        "outside the project",
        "fix:",
        change=lambda: os.symlink(secret, project / "content" / "notes.md"),
    )
    assert "SECRET-TEXT-OUTSIDE" not in message


def test_a_linked_folder_outside_the_project_is_refused(make_project, tmp_path, capsys) -> None:
    outside = tmp_path / "outside-folder"
    outside.mkdir()
    (outside / "key.txt").write_text("PRIVATE-KEY", encoding="utf-8")
    project = make_project()
    _fails_located(
        project,
        "build",
        capsys,
        "content/shared:",
        "outside the project",
        change=lambda: os.symlink(outside, project / "content" / "shared"),
    )
    assert not any("PRIVATE-KEY" in p.read_text() for p in (project / "site").rglob("*.txt"))


def test_a_content_folder_that_is_a_link_outside_the_project_is_refused(
    make_project, tmp_path, capsys
) -> None:
    project = make_project()
    outside = tmp_path / "elsewhere"

    def replace_content_with_a_link() -> None:
        (project / "content").rename(outside)
        os.symlink(outside, project / "content")

    _fails_located(
        project,
        "build",
        capsys,
        "content:",
        "outside the project",
        change=replace_content_with_a_link,
    )


def test_a_link_inside_the_project_is_allowed(make_project) -> None:
    project = make_project({"notes/checklist.txt": "Bring your ID.\n"})
    os.symlink(project / "notes" / "checklist.txt", project / "content" / "checklist.txt")
    assert build(project) == 0
    assert (project / "site" / "checklist.txt").read_text() == "Bring your ID.\n"


# ---------------------------------------------------------------- YAML alias bombs


def _billion_laughs(indent: str = "") -> str:
    """Nine levels of nine aliases: 387 million entries once expanded (the old loader spent its
    memory and about 20 s on a smaller one before a MemoryError)."""
    lines = [f"{indent}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{indent}{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join(lines) + "\n"


def _first_line_over_the_limit(text: str) -> int:
    """The line of the alias that takes the document past MAX_ALIAS_ENTRIES."""
    entries, added = {"a": 10}, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if "*" not in line:
            continue
        name = line.split(":")[0].strip()
        previous = chr(ord(name) - 1)
        for _ in range(9):
            added += entries[previous]
            if added > MAX_ALIAS_ENTRIES:
                return number
        entries[name] = 1 + 9 * entries[previous]
    raise AssertionError("the bomb stays under the limit")


@pytest.mark.parametrize("command", COMMANDS)
def test_alias_bomb_in_a_data_file(command, make_project, capsys) -> None:
    text = "# a data file\n" + _billion_laughs()
    _fails_located(
        make_project(),
        command,
        capsys,
        f"content/data/lols.yml:{_first_line_over_the_limit(text)}:",
        "YAML aliases repeat too much",
        "fix:",
        files={"content/data/lols.yml": text},
    )


def test_alias_bomb_in_front_matter(make_project, capsys) -> None:
    bomb = "lols:\n" + _billion_laughs("  ")
    text = page("Home").replace("---\n# Home", bomb + "---\n# Home")
    _fails_located(
        make_project(),
        "build",
        capsys,
        f"content/index.md:{_first_line_over_the_limit(text)}:",
        "YAML aliases repeat too much",
        files={"content/index.md": text},
    )


def test_alias_bomb_in_site_config(make_project, capsys) -> None:
    project = make_project()
    config = (project / "site-config.yml").read_text(encoding="utf-8")
    text = config.replace("\nextra:\n", "\nextra:\n  lols:\n" + _billion_laughs("    "), 1)
    _fails_located(
        project,
        "check",
        capsys,
        f"site-config.yml:{_first_line_over_the_limit(text)}:",
        "YAML aliases repeat too much",
        files={"site-config.yml": text},
    )


def test_an_alias_inside_the_block_it_repeats(make_project, capsys) -> None:
    text = "loop: &loop\n  again: *loop\n"
    _fails_located(
        make_project(),
        "build",
        capsys,
        "content/data/loop.yml:2:",
        "repeats the block it is inside",
        files={"content/data/loop.yml": text},
    )


def test_a_few_aliases_are_fine(make_project) -> None:
    """Reusing a block a few times is ordinary YAML and keeps working."""
    text = "base: &base {hours: 9}\niop: *base\nteen: *base\n"
    project = make_project(
        {
            "content/data/shared.yml": text,
            "content/index.md": page("Home", "Hours: {{ data.shared.teen.hours }}."),
        }
    )
    assert build(project) == 0
    assert "Hours: 9." in (project / "site" / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- size


def test_a_page_over_the_size_limit(make_project, capsys) -> None:
    filler = ("Plain words. " * 8 + "\n") * (MAX_FILE_BYTES // 100)
    text = page("Home", filler)
    assert len(text.encode()) > MAX_FILE_BYTES
    _fails_located(
        make_project(),
        "build",
        capsys,
        "content/index.md:",
        "over 2 MB",
        "split it",
        files={"content/index.md": text},
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("{{ range(200000) | list | length }}", "Range too big"),
        ('{% include "../site-config.yml" %}', "TemplateNotFound"),
        ('{% include "/etc/passwd" %}', "TemplateNotFound"),
    ],
)
def test_a_page_cannot_loop_without_end_or_include_files_outside_templates(
    expression, expected, make_project, capsys
) -> None:
    project = make_project()
    message = _fails_located(
        project,
        "build",
        capsys,
        "content/index.md:14:",
        expected,
        files={"content/index.md": page("Home", expression)},
    )
    assert "root:" not in message and "site_name:" not in message
