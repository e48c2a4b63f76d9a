"""Security headers on every response: every URL rule of the site, static files, error pages."""

from __future__ import annotations

import re

import pytest

from shop.app import create_app
from shop.config import Config
from tests.conftest import make_config
from tests.factories import UserFactory

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def _check(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "camera=()" in response.headers["Permissions-Policy"]


def _path_for(rule) -> str:
    """The rule's URL with every variable filled with a value of its type."""
    return re.sub(
        r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
        lambda m: "1" if (m.group(1) or "") in {"int", "id"} else "x",
        rule.rule,
    )


def test_every_url_rule_answers_with_the_security_headers(app, client, db) -> None:
    """Anonymous and as an admin, GET and POST: every rule, whatever status it answers."""
    admin = UserFactory(role="admin")
    signed_in = app.test_client()
    assert (
        signed_in.post(
            "/admin/login", data={"email": admin.email, "password": "Uji-coba-Etalase-42"}
        ).status_code
        == 302
    )
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in {"admin.logout"}]
    assert len(rules) > 60
    for rule in rules:
        path = _path_for(rule)
        for who in (client, signed_in):
            _check(who.get(path))
            if "POST" in (rule.methods or set()):
                _check(who.post(path, data={}))


def test_static_files_carry_them_too(client) -> None:
    _check(client.get("/static/js/etalase.js"))


def test_hsts_only_in_production(tmp_path) -> None:
    assert (
        "Strict-Transport-Security"
        not in create_app(make_config("sqlite://", tmp_path)).test_client().get("/healthz").headers
    )
    config = Config.from_env({
        "ETALASE_ENV": "production", "SECRET_KEY": "x" * 48, "DATABASE_URL": "sqlite://",
        "STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x",
    })  # fmt: skip
    response = create_app(config).test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("path", ["/", "/admin/login"])
def test_pages_carry_no_inline_script_or_event_handler(client, db, path) -> None:
    html = client.get(path).get_data(as_text=True)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*ld\+json)[^>]*>", html)
    assert inline_scripts == []
    assert re.search(r"\son[a-z]+=", html) is None


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    """What the CSP would block: checked in the sources, for pages no other test renders."""
    from shop.config import PROJECT_ROOT

    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        source = template.read_text()
        assert re.search(r"\son[a-z]+=", source) is None, template
        for tag in re.findall(r"<script[^>]*>", source):
            assert "src=" in tag or "application/ld+json" in tag, (template, tag)
