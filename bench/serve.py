"""The app as gunicorn serves it in the storefront bench, plus the bare-template baseline route.

`/_bench/baseline?bytes=N` renders, from memory and without the database, a page with a grid
of 24 product cards padded to N bytes: what a catalogue page would cost if reading the catalogue
were free. The bench asks for the byte size of its real `/products`, so both carry the same HTML.
"""

from __future__ import annotations

from flask import request

from shop.app import create_app

BASELINE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Katalog produk · Etalase</title>
<link rel="stylesheet" href="/static/css/etalase.css"></head>
<body><main id="main"><h1>Katalog produk</h1><ul class="product-grid">
{%- for card in cards %}
<li class="product-card"><a class="card-link" href="/products/{{ card.slug }}">
<div class="card-media"><picture>
<source type="image/webp" srcset="{{ card.webp }}" sizes="(min-width: 1024px) 270px, 46vw">
<img src="{{ card.jpeg }}" width="640" height="480" alt="{{ card.name }}" loading="lazy"></picture>
</div><div class="card-body"><h3 class="card-title">{{ card.name }}</h3>
<p class="price">{{ card.price }}</p><p class="card-meta">{{ card.facility }}</p>
<span class="stock stock-in_stock">Tersedia</span></div></a></li>
{%- endfor %}
</ul><!-- {{ padding }} --></main></body></html>"""

CARDS = [
    {
        "slug": f"kursi-jati-minimalis-{n}",
        "name": f"Kursi Jati Minimalis {n}",
        "webp": f"/media/img/ab/abcdef{n}-320.webp 320w, /media/img/ab/abcdef{n}-640.webp 640w",
        "jpeg": f"/media/img/ab/abcdef{n}-640.jpg",
        "price": f"Rp{150 + n}.000",
        "facility": f"Lapas Kelas IIA Kota {n}",
    }
    for n in range(24)
]

app = create_app()
TEMPLATE = app.jinja_env.from_string(BASELINE)  # compiled once, as a template file would be
BARE_BYTES = len(TEMPLATE.render(cards=CARDS, padding="").encode())


@app.get("/_bench/baseline")
def baseline() -> str:
    wanted = min(max(request.args.get("bytes", 0, type=int), 0), 10_000_000)
    return TEMPLATE.render(cards=CARDS, padding="x" * max(0, wanted - BARE_BYTES))
