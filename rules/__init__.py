"""Marks rules/ as the data package `auditor_rules`, so the default rulebook installs with auditor."""
