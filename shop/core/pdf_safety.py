"""Refusing PDFs that can act when opened: scripts, automatic actions, launches, attachments.

A deposit proof is opened by staff in their own PDF reader, so a PDF that runs JavaScript,
launches a program or carries an embedded file is refused. The whole object graph is walked
with pypdf, which decodes compressed object streams and names written with `#xx` escapes,
so hiding `/JavaScript` from a plain byte search does not help.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Keys whose mere presence means active content (or an attachment).
ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles",
     "/RichMedia", "/XFA"}
)  # fmt: skip
# Action types (`/S`) that run code, start programs or send data away.
ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"}
)
MAX_OBJECTS = 200_000


class UnsafePdf(ValueError):
    """The PDF is damaged, or holds active content; the message names what was found."""


def check_pdf(data: bytes) -> None:
    """Raise `UnsafePdf` unless `data` is a readable PDF without active content."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.getLogger("pypdf").disabled = True
            try:
                reader = PdfReader(io.BytesIO(data), strict=False)
                found = _active_content(reader.trailer)
            finally:
                logging.getLogger("pypdf").disabled = False
    except UnsafePdf:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise UnsafePdf("unreadable") from error
    if found:
        raise UnsafePdf(found)


def _active_content(root: Any) -> str | None:
    """The first active key or action found in the object graph from `root`, if any."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > MAX_OBJECTS:
            raise UnsafePdf("too many objects")
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            for name, value in node.items():
                if name in ACTIVE_KEYS:
                    return str(name)
                if name == "/S" and isinstance(value, NameObject) and value in ACTIVE_ACTIONS:
                    return str(value)
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None
