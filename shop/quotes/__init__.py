"""Quote requests (permintaan penawaran) from institutions: the b2b channel.

`requests` takes a request and splits it per facility, `answers` lets each facility price or
decline its part, `acceptance` turns accepted parts into one order of channel b2b at the quoted
prices, `transfers` records a bank transfer paid for such an order, `quote_mail` writes the
mails, `figures` counts requests, acceptance and b2b sales per facility.

It sits above `ordering` (it places orders) and beside `payments`, independent of it: the
gateway's amount check is handed in by the caller, as `ordering.checkout.place_order` takes it,
and the web layer starts an online payment with `shop.payments.start_payment` as the checkout
does. A bank transfer is not a gateway's event, so it is recorded here, with the ledger's own
posting (`shop.ledger.posting.record_payment`).
"""
