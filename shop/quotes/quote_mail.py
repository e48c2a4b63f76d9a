"""The mails of a quote request: a new request to each facility's staff, and to the buyer the
one mail with every facility's answer, once the last one has answered or declined."""

from __future__ import annotations

from shop.core import urls
from shop.core.i18n import lazy_gettext as _l
from shop.core.mail import send, staff_emails
from shop.models import QuotePart, QuoteRequest
from shop.quotes.statuses import LABELS


def quote_url(request: QuoteRequest) -> str:
    """The buyer's secret link to the request, in the language it was made in."""
    return urls.absolute(urls.language_prefix(request.locale) + urls.quote_path(request.token))


def send_new_request(*, part: QuotePart) -> None:
    request = part.request
    send(
        to=staff_emails(part.facility_id),
        subject=_l(
            "Permintaan penawaran %(number)s dari %(organisation)s",
            number=request.number,
            organisation=request.organisation,
        ),
        template="quote_new_request",
        locale="id",
        request=request,
        part=part,
        admin_link=urls.absolute(urls.admin_quote_path(part.id)),
    )


def send_answers(*, request: QuoteRequest) -> None:
    """Every facility's answer (prices, lead time, delivery, validity) or its reason to
    decline, with the link where the buyer accepts."""
    send(
        to=[request.email],
        subject=_l("Jawaban atas permintaan penawaran %(number)s", number=request.number),
        template="quote_answers",
        locale=request.locale,
        request=request,
        labels=LABELS,
        quote_link=quote_url(request),
    )
