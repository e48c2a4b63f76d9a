"""Stripe's webhook: signature checked, every event handled once."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from shop.extensions import csrf
from shop.payments import InvalidSignature, PaymentUnavailable, events
from shop.storefront import bp


@bp.post("/webhooks/stripe", localised=False)
@csrf.exempt
def stripe_webhook() -> ResponseReturnValue:
    try:
        outcome = events.receive_stripe_webhook(
            payload=request.get_data(), signature=request.headers.get("Stripe-Signature")
        )
    except InvalidSignature:
        return jsonify(error="invalid signature"), 400
    except PaymentUnavailable:
        # Stripe could not be asked for the charge: a 503 makes Stripe send the event again.
        return jsonify(error="payment details unavailable, retry"), 503
    return jsonify(received=True, outcome=outcome)
