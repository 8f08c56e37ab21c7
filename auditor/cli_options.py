"""Option types every command shares, in one place so `auditor` and its sub-command modules agree."""

from __future__ import annotations

from enum import Enum


class Engine(str, Enum):
    durable = "durable"
    reference = "reference"
