"""Entry point for gunicorn (`gunicorn wsgi:app`) and for the `flask` command."""

from shop.app import create_app

app = create_app()
