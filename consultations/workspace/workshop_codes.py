"""The chat's workshop code of a day, for a facilitator who runs a session in a room where
everyone shares one Wi-Fi address (chatbot/web/workshop.py makes and checks the codes)."""

from datetime import date

from flask import render_template, request, url_for

from chatbot.web.workshop import code_for, today
from consultations.workspace import bp
from consultations.workspace.auth import MANAGERS, require_role


@bp.get("/animation/code-atelier")
@require_role(*MANAGERS)
def workshop_code():
    try:
        day = date.fromisoformat(request.args.get("jour", ""))
    except ValueError:
        day = today()
    code = code_for(day)
    return render_template("workspace/workshop_code.html", day=day, code=code,
                           link=url_for("chatbot.workshop_code", code=code, _external=True))
