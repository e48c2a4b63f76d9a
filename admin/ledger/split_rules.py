"""Split rules, read side: the rule in force per facility, the national default, the history.

Kanwil users see their region's facilities, central and admin all; adding a rule lives in
`admin.split_rule_entry`, an area of its own for central and admin only.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from admin import bp
from admin.helpers import me, now
from shop.ledger import split_rules


@bp.get("/split-rules", endpoint="split_rules")
def rule_list() -> ResponseReturnValue:
    user = me()
    return render_template(
        "admin/split_rules/list.html",
        overview=split_rules.overview(user, now=now()),
        may_add=user.role in split_rules.EDITORS,
    )
