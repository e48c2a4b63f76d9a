"""Checks on text that people send: forms, CSV imports."""

from __future__ import annotations

import re

# C0 and C1 control characters and DEL; tab, line feed and carriage return are ordinary text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None
