"""The phone till: stands at a showroom or a fair, sales sent from the phone, returns, receipts.

Sits beside `ordering` in the layers (both sell; neither uses the other): it uses the ledger
to post, the catalogue for stock and label codes, and accounts for scope. `reporting` above
may read it (the event dimension).
"""
