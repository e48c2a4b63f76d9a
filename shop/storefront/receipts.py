"""`/receipts/<token>`: the receipt of a stand sale, at the link the buyer keeps.

The token is unguessable (32 random bytes). The page shows what a paper receipt shows (the
facility, the items, the total, the payment method) and nothing about the buyer, who was never
asked; it sets no cookie and no shared cache keeps it (a void changes it).
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from shop.storefront import bp
from shop.tills import selling


@bp.get("/receipts/<token>")
def receipt(token: str) -> ResponseReturnValue:
    sale = selling.receipt_sale(token)
    headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    if sale is None:
        return render_template("shop/receipt_unknown.html"), 404, headers
    return render_template("shop/receipt.html", sale=sale), 200, headers
