"""The dashboard of a consultation: numbers a facilitator watches while it runs."""

from flask import render_template

from consultations.labels import CHANNELS as CHANNEL_LABELS
from consultations.models import CHANNELS, Consultation
from consultations.workspace import bp
from consultations.workspace.auth import MANAGERS, require_role
from consultations.workspace.queries import dashboard_data
from consultations.workspace.team import authorized


@bp.get("/animation/consultations/<int:consultation_id>/tableau-de-bord")
@require_role(*MANAGERS)
def dashboard(consultation_id: int):
    consultation = authorized(Consultation, consultation_id)
    return render_template("workspace/dashboard.html", **dashboard_data(consultation),
                           channels=CHANNELS, channel_labels=CHANNEL_LABELS)
