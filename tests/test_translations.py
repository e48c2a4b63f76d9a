"""Every user-facing text has its English translation, and the catalogue matches the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_every_message_has_an_english_translation() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert fuzzy == []


def test_translations_keep_the_placeholders_of_their_source() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert problems == []


def test_catalogue_holds_every_text_of_the_code(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
            "-k", "_l", "-k", "lazy_gettext", "--no-location", "-o", str(pot),
            "shop", "admin", "templates",
        ],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        in_code = _ids(read_po(handle))
    with PO.open("rb") as handle:
        in_catalogue = _ids(read_po(handle))
    missing = sorted(in_code - in_catalogue)
    assert missing == [], "run `make messages` and translate the new texts"
