"""Participant pages, one module per phase kind."""

from flask import Blueprint

from consultations import labels
from consultations.phases import KINDS, Action, check

bp = Blueprint("consultations", __name__, template_folder="../templates")


@bp.context_processor
def _phase_helpers():
    return {
        "registry": KINDS,
        "allows": lambda phase, action: check(phase, Action(action)),
        "finding_status": labels.FINDING_STATUS,
        "feedback_labels": labels.FEEDBACK,
        "profile_labels": labels.ProfileLabels,
    }


from consultations.views import (  # noqa: E402,F401  (the modules register their routes)
    consultation,
    imagine,
    interview,
    mine,
    prototype,
    results,
    steps,
)
