"""Site pages: home, AI on this site, accessibility, privacy."""

from flask import Blueprint, current_app, render_template, url_for

bp = Blueprint("pages", __name__)


def _home_consultations():
    """Open consultations for the home page, when the consultations package provides them."""
    provider = current_app.extensions.get("parlons_ia.home_consultations")
    return provider() if provider else []


@bp.get("/")
def home():
    has_chat = "chatbot.chat" in current_app.view_functions
    return render_template("pages/home.html", consultations=_home_consultations(),
                           chat_url=url_for("chatbot.chat") if has_chat else None)


@bp.get("/ia-sur-ce-site")
def ai_on_this_site():
    model_card = current_app.extensions.get("parlons_ia.model_card")
    return render_template("pages/ai.html", model_card=model_card() if model_card else None)


@bp.get("/accessibilite")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/confidentialite")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/sante")
def health():
    """Liveness check for load balancers and monitoring: no database, no template."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
