"""Consultations as the lists show them: title, summary and where they stand, in the locale."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from app.extensions import db
from consultations.dates import first_day, last_day, long_day
from consultations.localise import localise
from consultations.models import Consultation
from consultations.phases import kind_of


@dataclass(frozen=True)
class ConsultationCard:
    url: str
    title: str
    summary: str
    status_text: str
    is_demo: bool


def status_text(consultation: Consultation) -> str:
    if consultation.status == "closed":
        return _("Consultation terminée. Les résultats sont publiés.")
    for phase in consultation.phases:
        if phase.state() == "open":
            return _("Étape ouverte : %(phase)s, jusqu’au %(date)s.",
                     phase=kind_of(phase).label, date=long_day(last_day(phase)))
    upcoming = [phase for phase in consultation.phases if phase.state() == "upcoming"]
    if upcoming:
        return _("Prochaine étape : %(phase)s, à partir du %(date)s.",
                 phase=kind_of(upcoming[0]).label, date=long_day(first_day(upcoming[0])))
    return _("Toutes les étapes sont terminées.")


def card(consultation: Consultation) -> ConsultationCard:
    return ConsultationCard(
        url=url_for("consultations.home", slug=consultation.slug),
        title=localise(consultation.title),
        summary=localise(consultation.summary),
        status_text=status_text(consultation),
        is_demo=consultation.is_demo,
    )


def public_consultations(statuses=("published", "closed")) -> list[Consultation]:
    query = (db.select(Consultation).where(Consultation.status.in_(statuses))
             .order_by(Consultation.status.desc(), Consultation.starts_at.desc()))
    return list(db.session.execute(query).scalars())


def home_consultations() -> list[ConsultationCard]:
    return [card(consultation) for consultation in public_consultations(("published",))]
