"""Stub: replaced by the deploy-files writer (security headers, robots.txt)."""

from __future__ import annotations

from pathlib import Path


def write_deploy_files(site_dir: Path, site_url: str) -> None:
    """Write the files a static host needs beside the pages; nothing yet."""
