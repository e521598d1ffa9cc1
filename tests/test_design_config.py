"""The site-config.yml key issue 13 added (extra.short_title, the header's title on phones):
a wrong value is refused with its file, line, key and fix, and the old site stays as it was."""

from __future__ import annotations

import pytest

from tests.conftest import _minimal_config, build, run_cli, write_files

CONFIG = _minimal_config()


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_short_title_that_is_not_text_is_a_located_error(command, make_project, capsys) -> None:
    assert "  short_title: IOP guide\n" in CONFIG
    config = CONFIG.replace("  short_title: IOP guide\n", "  short_title: [IOP, guide]\n")
    line = config.splitlines().index("  short_title: [IOP, guide]") + 1
    project = make_project()
    assert build(project) == 0
    before = sorted((p, p.read_bytes()) for p in (project / "site").rglob("*") if p.is_file())
    capsys.readouterr()

    write_files(project, {"site-config.yml": config})
    assert run_cli(command, "--config", str(project / "site-config.yml")) == 1
    message = capsys.readouterr().err
    assert f"site-config.yml:{line}" in message
    assert "extra.short_title" in message
    assert "fix:" in message
    after = sorted((p, p.read_bytes()) for p in (project / "site").rglob("*") if p.is_file())
    assert after == before


def test_the_short_title_is_what_a_phone_header_shows(make_project) -> None:
    config = CONFIG.replace("  short_title: IOP guide\n", "  short_title: Riverside guide\n")
    project = make_project({"site-config.yml": config})
    assert build(project) == 0
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert '<span class="iop-header__short" aria-hidden="true">Riverside guide</span>' in html
