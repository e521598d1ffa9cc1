"""What an editor meets beyond plain errors (issue 12): files saved on Windows, release-only
problems (pages outside nav, placeholder text), word phone numbers, the nav line `new`
suggests, and the exit codes, each through the real `iop-guide` command."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import (
    build,
    clinically_reviewed,
    page,
    reviewed_defaults,
    run_cli,
    write_files,
)


def _digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _windows(text: str) -> bytes:
    """Text as a Windows editor (or git with autocrlf) saves it: a BOM and CRLF line endings."""
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


LEVELS = "columns:\n  - {key: name, heading: Level}\nlevels:\n  iop: {name: IOP, hours_min: 9}\n"


def test_crlf_and_bom_files_build_the_same_site(make_project, tmp_path: Path) -> None:
    files = {
        "content/index.md": page("Home", "IOP: {{ data.levels.levels.iop.hours_min }} hours."),
        "content/data/levels.yml": LEVELS,
    }
    plain = make_project(files)
    assert build(plain, "--out", str(tmp_path / "plain")) == 0

    windows = make_project()
    config = (windows / "site-config.yml").read_text(encoding="utf-8")
    write_files(
        windows,
        {
            "site-config.yml": _windows(config),
            "content/get-help-now.md": _windows(
                (windows / "content/get-help-now.md").read_text(encoding="utf-8")
            ),
            **{name: _windows(text) for name, text in files.items()},
        },
    )
    assert run_cli("check", "--config", str(windows / "site-config.yml")) == 0
    assert build(windows, "--out", str(tmp_path / "windows")) == 0
    assert _digests(tmp_path / "windows") == _digests(tmp_path / "plain")
    html = (tmp_path / "windows" / "index.html").read_text(encoding="utf-8")
    assert "IOP: 9 hours." in html and "<title>Home" in html


def test_a_page_outside_nav_warns_and_is_refused_in_a_release(make_project, capsys) -> None:
    project = make_project(reviewed_defaults())
    assert build(project) == 0
    before = _digests(project / "site")
    write_files(
        project,
        {"content/sober-living.md": clinically_reviewed(page("Sober living", "Text."))},
    )
    capsys.readouterr()
    config = str(project / "site-config.yml")

    assert run_cli("check", "--config", config) == 0
    output = capsys.readouterr()
    assert "content/sober-living.md:1: this page is not in the navigation" in output.err
    assert 'fix: add it to `nav:` in site-config.yml, for example:  - "Sober living"' in output.err
    assert "no errors, 1 warnings." in output.out

    for command in ("check", "build"):
        assert run_cli(command, "--config", config, "--release") == 1
        err = capsys.readouterr().err
        assert "content/sober-living.md:1: this page is not in the navigation" in err
        assert "(not allowed in a release)" in err and "fix: add it to `nav:`" in err
        assert _digests(project / "site") == before


def test_placeholder_text_from_new_warns_and_is_refused_in_a_release(make_project, capsys):
    project = make_project()
    assert build(project) == 0
    before = _digests(project / "site")
    config = str(project / "site-config.yml")
    assert run_cli("new", "--config", config, "Sober living") == 0
    text = (project / "content" / "sober-living.md").read_text(encoding="utf-8")
    nav = _replace_nav(project, "  - Sober living: sober-living.md\n")
    assert nav
    capsys.readouterr()

    assert run_cli("check", "--config", config) == 0
    err = capsys.readouterr().err
    lines = [n for n, line in enumerate(text.splitlines(), 1) if "Write the page here" in line]
    assert f"content/sober-living.md:{lines[0]}: placeholder text from `iop-guide new`" in err
    assert "content/sober-living.md:3: placeholder text" in err  # the description
    assert "fix: replace it with the real text" in err

    for command in ("check", "build"):
        assert run_cli(command, "--config", config, "--release") == 1
        err = capsys.readouterr().err
        assert "content/sober-living.md:3: placeholder text" in err
        assert "(not allowed in a release)" in err
        assert _digests(project / "site") == before


def _replace_nav(project: Path, line: str) -> bool:
    config = project / "site-config.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "  - Get help now: get-help-now.md\n"
    if anchor not in text:
        return False
    config.write_text(text.replace(anchor, anchor + line), encoding="utf-8")
    return True


def test_new_suggests_a_nav_line_that_is_valid_yaml(make_project, capsys) -> None:
    project = make_project()
    title = "Sober living: what to expect"
    assert run_cli("new", "--config", str(project / "site-config.yml"), title) == 0
    err = capsys.readouterr().err
    suggested = re.search(r"e\.g\.  (- .*)$", err, re.MULTILINE)
    assert suggested, err
    assert yaml.safe_load(suggested[1]) == [{title: "sober-living-what-to-expect.md"}]


@pytest.mark.parametrize(
    ("typed", "href"),
    [
        ("1-800-GET-HELP", "tel:+18004384357"),
        ("(555) 010-0123 ext. 12", "tel:+15550100123,12"),
    ],
)
def test_word_numbers_and_extensions_are_dialled_as_typed(make_project, typed, href) -> None:
    project = make_project()
    config = (project / "site-config.yml").read_text(encoding="utf-8")
    write_files(
        project,
        {
            "site-config.yml": config.replace("phone: (555) 010-0123", f"phone: {typed}"),
            "content/index.md": page(
                "Home", "Call [{{ organisation.phone }}]({{ organisation.phone | tel }})."
            ),
        },
    )
    assert run_cli("check", "--config", str(project / "site-config.yml")) == 0
    assert build(project) == 0
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert f'href="{href}"' in html and typed in html


def test_help_documents_the_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli("--help")
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "0  done" in out and "1  problems in the site" in out and "2  usage" in out
    with pytest.raises(SystemExit) as exit_info:
        run_cli("biuld")
    assert exit_info.value.code == 2


def test_check_uses_lists_every_page_and_data_file_that_quotes_a_value(capsys) -> None:
    from tests.conftest import REPO

    config = str(REPO / "site-config.yml")
    assert run_cli("check", "--config", config, "--uses", "levels.iop.hours_min") == 0
    out = capsys.readouterr().out
    expected = []
    for path in sorted((REPO / "content").rglob("*.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "data.levels.levels.iop.hours_min }}" in line:
                expected.append(f"{path.relative_to(REPO).as_posix()}:{number}:")
    assert len(expected) >= 5
    for place in expected:
        assert place in out, f"{place} missing from:\n{out}"
    # A use through the whole table of levels counts too, and says so.
    assert "data.levels.levels (all of it, which includes the value)" in out
    places = re.findall(r"^\S+:\d+: ", out, re.MULTILINE)
    assert f"is quoted in {len(places)} places" in out.splitlines()[0]

    assert run_cli("check", "--config", config, "--uses", "levels.iop.hours_mn") == 1
    err = capsys.readouterr().err
    assert "there is no value called 'levels.iop.hours_mn'" in err
    assert "did you mean 'data.levels.levels.iop.hours_min'" in err


def test_glossary_anchors_are_formed_as_the_readme_and_the_check_say(built_site) -> None:
    """data_schemas.glossary_anchor (used to refuse two terms with one id) must form the ids the
    glossary page really has; the README explains the same rule."""
    from generator.data_schemas import glossary_anchor
    from tests.conftest import REPO

    terms = yaml.safe_load((REPO / "content/data/glossary.yml").read_text(encoding="utf-8"))
    html = (built_site / "glossary" / "index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    anchors = [glossary_anchor(entry) for entry in terms["terms"]]
    assert "iop" in anchors and "aftercare" in anchors
    assert [a for a in anchors if a not in ids] == []


def test_levels_accept_the_2023_asam_name_and_any_column_every_level_has(make_project) -> None:
    levels = (
        "columns:\n  - {key: name, heading: Level}\n  - {key: cost, heading: Cost}\n"
        "levels:\n"
        "  iop: {name: IOP, hours_min: 9, asam_2023: '2.1 Intensive Outpatient', cost: Varies}\n"
        "  php: {name: PHP, hours_min: 20, asam_2023: '2.5 High-Intensity Outpatient', cost: 3}\n"
    )
    project = make_project({"content/data/levels.yml": levels})
    assert run_cli("check", "--config", str(project / "site-config.yml")) == 0
    assert build(project) == 0


def test_program_languages_are_shown_from_site_config(built_site) -> None:
    from tests.conftest import REPO

    config = yaml.safe_load((REPO / "site-config.yml").read_text(encoding="utf-8"))
    languages = config["extra"]["program"]["languages"]
    html = (built_site / "choosing-a-program" / "index.html").read_text(encoding="utf-8")
    assert f"holds its sessions in these languages: {', '.join(languages)}." in html


def test_make_serve_takes_a_port() -> None:
    import subprocess

    from tests.conftest import REPO

    def dry_run(*args: str) -> str:
        result = subprocess.run(
            ["make", "-n", "-C", str(REPO), "serve", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    assert "scripts/bootstrap.sh serve --dev-addr 127.0.0.1:8001" in dry_run("PORT=8001")
    assert "--dev-addr" not in dry_run()


def test_a_page_listed_under_not_in_nav_is_not_a_warning(make_project, capsys) -> None:
    project = make_project(
        {
            **reviewed_defaults(),
            "content/sober-living.md": clinically_reviewed(page("Sober living", "Text.")),
        }
    )
    config = (project / "site-config.yml").read_text(encoding="utf-8")
    write_files(project, {"site-config.yml": config + "\nnot_in_nav: sober-living.md\n"})
    assert run_cli("check", "--config", str(project / "site-config.yml"), "--release") == 0
    output = capsys.readouterr()
    assert "not in the navigation" not in output.err
    assert "no errors, 0 warnings." in output.out


@pytest.mark.parametrize(
    ("typed", "href"),
    [
        ("988", "tel:988"),
        ("435748", "tel:435748"),
        ("1-800-662-4357", "tel:+18006624357"),
        ("(555) 010-0123 x7", "tel:+15550100123,7"),
        ("+44 20 7946 0958", "tel:+442079460958"),
    ],
)
def test_phone_numbers_link_to_what_is_dialled(typed: str, href: str) -> None:
    from generator.phone_numbers import parse_phone, phone_href

    number, problem = parse_phone(typed)
    assert number is not None and problem == ""
    assert phone_href(typed) == href


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("555-0123", "has 7 digits"),  # no area code
        ("1-800-lakeside", "does not look like a phone number"),  # words belong in text
        ("TALK", "does not look like a phone number"),
        ("988 ext. 1", "has 3 digits"),  # a short code has no extension
    ],
)
def test_phone_numbers_that_cannot_be_dialled_are_refused(typed: str, problem: str) -> None:
    from generator.phone_numbers import parse_phone

    number, found = parse_phone(typed)
    assert number is None and problem in found
