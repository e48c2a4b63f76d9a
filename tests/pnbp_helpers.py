"""Arranging PNBP deposits for the service and back-office tests: proofs made in memory."""

from __future__ import annotations

import io
import itertools
from datetime import date

from flask import current_app
from PIL import Image
from pypdf import PdfWriter

from shop.core import clock, unit_of_work
from shop.core.storage import storage_from_config
from shop.finance import pnbp
from shop.models import Facility, PnbpDeposit, User
from tests.factories import UserFactory

_numbers = itertools.count(1)


def pdf_bytes() -> bytes:
    """A one-page PDF as a scanner or "print to PDF" makes it: nothing active inside."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, format=image_format)
    return buffer.getvalue()


def fresh_ntpn() -> str:
    return f"NTPN{next(_numbers):012d}"


def details(**overrides: object) -> pnbp.DepositDetails:
    values: dict[str, object] = {
        "period_start": date(2026, 11, 1),
        "period_end": date(2026, 11, 30),
        "billing_code": "820261101234567",
        "ntpn": fresh_ntpn(),
        "amount_idr": 33_000,
        "paid_on": date(2026, 11, 30),
    }
    values.update(overrides)
    return pnbp.DepositDetails(**values)  # type: ignore[arg-type]


def storage():
    return storage_from_config(current_app.config)


def stored_files() -> list[str]:
    """Every stored proof, as keys: proofs live under the private prefix only."""
    root = storage().path_of(pnbp.PROOF_PREFIX)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def record(
    facility: Facility, *, actor: User | None = None, proof: bytes | None = None, **overrides
) -> PnbpDeposit:
    """A deposit recorded (and committed) through the service by a central user (or `actor`)."""
    deposit = pnbp.record_deposit(
        actor=actor or UserFactory(),
        facility_id=facility.id,
        details=details(**overrides),
        proof=pnbp.Proof("bukti.pdf", proof or pdf_bytes()),
        storage=storage(),
        now=clock.now(),
    )
    unit_of_work.commit()
    return deposit
