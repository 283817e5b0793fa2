"""Site pages: home, AI on this site, accessibility, privacy."""

from flask import Blueprint, current_app, render_template, url_for

from app.page_cache import kept

bp = Blueprint("pages", __name__)


@bp.get("/")
@kept
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
@kept
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/confidentialite")
@kept
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/sante")
def health():
    """Liveness check for load balancers and monitoring: no database, no template."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
