"""The rulebook: cited, dated procedural standards as YAML data, validated and resolved per area and date."""

from .loader import Rulebook, Variant, default_rules_path, load_rulebook

__all__ = ["Rulebook", "Variant", "default_rules_path", "load_rulebook"]
