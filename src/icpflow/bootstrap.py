"""The one place that builds adapters from settings and hands them to entry points."""

from __future__ import annotations

from .adapters.reference_data import package_data, read_toml
from .config import Settings
from .domain.policy import Policy
from .domain.preapproval import KeywordScanner
from .domain.regions import RegionTable
from .domain.rules.catalogue import Catalogue
from .domain.rules.engine import Checker, known_evaluators


def load_catalogue(settings: Settings) -> Catalogue:
    overrides = read_toml(settings.rules_override_file) if settings.rules_override_file else None
    return Catalogue.from_mapping(
        package_data("rules.toml"),
        known_checks=known_evaluators(),
        overrides=overrides,
        overrides_origin=str(settings.rules_override_file or ""),
    )


def load_regions() -> RegionTable:
    return RegionTable.from_mapping(package_data("regions.json"))


def load_scanner() -> KeywordScanner:
    return KeywordScanner.from_mapping(package_data("preapproval_keywords.toml"))


def build_checker(settings: Settings) -> Checker:
    policy = Policy(
        certificate_validity_months=settings.certificate_validity_months,
        letter_max_age_months=settings.letter_max_age_months,
    )
    return Checker(load_catalogue(settings), load_regions(), load_scanner(), policy)
