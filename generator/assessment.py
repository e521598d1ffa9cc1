"""Stub: replaced by the self-assessment engine."""

from __future__ import annotations

from generator.errors import SiteError
from generator.yaml_loader import LoadedYaml


def validate_assessment(loaded: LoadedYaml) -> list[SiteError]:
    return []
