"""Site pages: home, AI on this site, accessibility, privacy."""

from flask import Blueprint, current_app, render_template, url_for

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    """The factory registers both features: their hooks and the chat page are always there."""
    return render_template("pages/home.html",
                           consultations=current_app.extensions["parlons_ia.home_consultations"](),
                           chat_url=url_for("chatbot.chat"))


@bp.get("/ia-sur-ce-site")
def ai_on_this_site():
    model_card = current_app.extensions["parlons_ia.model_card"]  # registered by chatbot/web
    return render_template("pages/ai.html", model_card=model_card())


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
