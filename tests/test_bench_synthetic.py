"""The benchmark's projects are real: a synthetic site passes `iop-guide check`, and its bare twin
is the same site built by plain MkDocs + Material. (No timings here: see bench/run.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from bench.synthetic import make_bare_project, make_synthetic_project
from tests.conftest import run_cli


def test_synthetic_site_passes_check_and_uses_what_real_pages_use(tmp_path: Path, capsys) -> None:
    config = make_synthetic_project(tmp_path / "synthetic", 25)
    assert run_cli("check", "--config", str(config)) == 0
    # 25 topic pages, the home page and "Get help now": no readability or overdue warnings; the
    # warnings say that no clinician has reviewed a page (synthetic pages claim no review), and
    # the one every copy of the real site-config.yml gets until it has a real address.
    captured = capsys.readouterr()
    assert "Checked 27 pages: no errors, 28 warnings." in captured.out
    assert captured.err.count("WARNING: ") == 28
    assert captured.err.count("[clinical_review]") == 27
    assert "[site_url]" in captured.err and "an example address" in captured.err

    out = tmp_path / "site"
    assert run_cli("build", "--config", str(config), "--out", str(out)) == 0
    html = (out / "pages" / "page-00007" / "index.html").read_text(encoding="utf-8")
    assert "Riverside Intensive Outpatient Program meets 3 days a week" in html  # variables
    assert "9\nhours a week" in html  # arithmetic on site-config values
    assert "<th>Treatment time each week</th>" in html  # the data-table partial
    assert '<abbr tabindex="0" title="Cognitive behavioral therapy:' in html  # glossary terms
    assert 'href="../page-00008/#what-happens"' in html  # a checked link with an anchor
    assert 'class="iop-review"' in html and 'class="iop-crisis"' in html


def test_bare_twin_is_the_same_site_without_the_plugin(tmp_path: Path) -> None:
    config = make_synthetic_project(tmp_path / "synthetic", 12)
    mkdocs_yml = make_bare_project(config, tmp_path / "bare")
    bare_config = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8"))
    assert bare_config["plugins"] == ["search"] and "custom_dir" not in bare_config["theme"]
    out = tmp_path / "bare-site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(mkdocs_yml), "-d", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    ours = tmp_path / "ours-site"
    assert run_cli("build", "--config", str(config), "--out", str(ours)) == 0
    pages = {path.relative_to(out) for path in out.rglob("*.html")}
    assert pages == {path.relative_to(ours) for path in ours.rglob("*.html")}
    html = (out / "pages" / "page-00003" / "index.html").read_text(encoding="utf-8")
    # The same rendered Markdown, with none of our template overrides.
    assert "Riverside Intensive Outpatient Program meets 3 days a week" in html
    assert "<th>Treatment time each week</th>" in html
    assert '<abbr title="Cognitive behavioral therapy:' in html
    assert "iop-crisis" not in html and "iop-review" not in html
    # Same theme features and no web fonts, as the plugin sets them.
    assert "navigation.prune" in html and "fonts.googleapis" not in html
