"""`/v/<code>`: the page a label's QR code opens. Says who made the product, and where to buy it."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from shop.catalogue import browse, labels
from shop.core import clock, unit_of_work
from shop.storefront import bp


@bp.get("/v/<code>")
def provenance(code: str) -> ResponseReturnValue:
    variant = labels.variant_for_code(code)
    if variant is None:
        return render_template("shop/provenance_unknown.html", code=code[:20]), 404
    product = variant.product
    labels.record_scan(product=product, now=clock.now())
    unit_of_work.commit()
    public = browse.public_product(product.slug)
    response = render_template(
        "shop/provenance.html", variant=variant, product=product, public=public
    )
    # Every scan is counted, so no cache may answer in our place.
    return response, 200, {"Cache-Control": "no-store"}
