"""The consultation list and a consultation's home page."""

from flask import render_template

from app.page_cache import kept
from consultations.listing import card, public_consultations
from consultations.phases import kind_of
from consultations.views import bp
from consultations.views.common import consultation_or_404


@bp.get("/consultations/")
@kept
def index():
    cards = [card(consultation) for consultation in public_consultations()]
    return render_template("consultations/index.html", cards=cards)


@bp.get("/consultations/<slug>")
@kept
def home(slug: str):
    consultation = consultation_or_404(slug)
    timeline = [(phase, kind_of(phase), phase.state()) for phase in consultation.phases]
    return render_template("consultations/home.html", consultation=consultation,
                           timeline=timeline)
