"""Demonstration data: three consultations, in French and English, marked as such on screen.

One is open at its "imagine" step, one is finished with its results, and one, for practice,
has its four steps open at once, so that a newcomer can try every step without an account.
Dates are relative to the day of loading, so the open phases are open whenever the demo loads.
"""

from datetime import timedelta

from app.extensions import db
from consultations.localise import texts as t
from consultations.models import (
    DEFAULT_CONDITIONS,
    Answer,
    Comment,
    Consultation,
    Feedback,
    Finding,
    Idea,
    Participant,
    Phase,
    Prompt,
    Reaction,
    Scenario,
    Support,
    utcnow,
)
from consultations.participants import CONSENT_VERSION

OPEN_SLUG = "ia-services-publics"
CLOSED_SLUG = "assistant-virtuel-demo"
PRACTICE_SLUG = "essai-toutes-les-etapes"
SLUGS = (OPEN_SLUG, CLOSED_SLUG, PRACTICE_SLUG)
PRACTICE_YEARS = 10  # its four phases stay open this long after loading
# Seed documents (corpus/documents ids) each demo consultation's chat answers from first, once
# the knowledge base holds them (`flask chatbot import`); after that its team chooses.
DEMO_DOCUMENTS = {OPEN_SLUG: ("qc-strategie-ia-2024", "qc-projets-pilotes-ia-2024")}

PHASE_TEXTS = {
    "interview": (
        t("Entrevue : ce que l'IA représente pour vous", "Interview: what AI means to you",
          "Entrevue : l'IA et vous", "Interview: AI and you"),
        t("Quelques questions ouvertes. Il n'y a pas de bonne ou de mauvaise réponse. "
          "Répondez avec vos mots, même si vous ne connaissez pas bien l'IA.\n\n"
          "Vous pouvez répondre à une partie des questions seulement.",
          "A few open questions. There is no right or wrong answer. Answer in your own words, "
          "even if you do not know much about AI.\n\nYou can answer only some of the questions.",
          "Nous posons quelques questions. Répondez avec vos mots. Il n'y a pas de mauvaise "
          "réponse.",
          "We ask a few questions. Answer in your own words. There is no wrong answer."),
    ),
    "imagine": (
        t("Imaginer : vos idées et vos conditions", "Imagine: your ideas and your conditions"),
        t("Imaginez un service public qui utilise l'IA et qui vous serait utile. Dites aussi ce "
          "qu'il faudrait pour que vous lui fassiez confiance.\n\n"
          "Vous pouvez aussi soutenir les idées des autres (« moi aussi ») et les commenter.",
          "Imagine a public service that uses AI and would help you. Also say what it would "
          "take for you to trust it.\n\nYou can also support other people's ideas (\"me too\") "
          "and comment on them.",
          "Dites ce que l'IA pourrait faire pour vous. Dites ce qu'il faut pour avoir confiance.",
          "Say what AI could do for you. Say what you need to trust it."),
    ),
    "prototype": (
        t("Prototyper : que se passerait-il si… ?", "Prototype: what would happen if…?"),
        t("Nous décrivons des cas concrets, construits à partir de vos idées. Dites s'ils vous "
          "semblent acceptables et utiles, et à quelles conditions.",
          "We describe concrete cases, built from your ideas. Say whether they seem acceptable "
          "and useful to you, and on what conditions."),
    ),
    "results": (
        t("Résultats : ce que nous avons entendu", "Results: what we heard"),
        t("Voici ce que nous retenons de vos contributions et ce qui sera fait. Dites-nous si "
          "cela reflète ce que vous avez dit.",
          "Here is what we take from your contributions and what will be done. Tell us whether "
          "it reflects what you said."),
    ),
}

PROMPTS = [
    ("free_text", t("Qu'est-ce que l'IA pour vous ?", "What is AI to you?"),
     t("Un mot, une image, un exemple : tout est utile.", "A word, a picture, an example: "
       "anything helps."), None),
    ("free_text", t("Comment l'utilisez-vous ou la percevez-vous ?",
                    "How do you use it or see it?"),
     t("Au travail, à la maison, dans vos démarches…", "At work, at home, when dealing with "
       "public services…"), None),
    ("single_choice", t("Avez-vous déjà eu affaire à une IA dans un service public ?",
                        "Have you ever dealt with AI in a public service?"),
     None, [t("Oui", "Yes"), t("Non", "No"), t("Je ne sais pas", "I don't know")]),
    ("scale", t("Quelle confiance accordez-vous à un service public qui utilise l'IA ?",
                "How much do you trust a public service that uses AI?"),
     t("1 : aucune confiance. 5 : une grande confiance.", "1: no trust. 5: a lot of trust."),
     None),
    ("free_text", t("De quoi rêvez-vous en lien avec l'IA et les services publics ?",
                    "What do you dream of when it comes to AI and public services?"),
     None, None),
]

PARTICIPANTS = [
    ("Lucie", "online"), ("Karim", "online"), ("Mireille", "in_person"), ("Tom", "phone"),
    ("Ana", "online"), (None, "paper"), ("Jocelyn", "online"), (None, "in_person"),
]

ANSWERS = [  # participant index, prompt index, value
    (0, 0, "Un programme qui devine ce que je vais demander, un peu comme la saisie "
           "automatique sur mon téléphone."),
    (0, 1, "Je m'en sers pour traduire des lettres officielles que je ne comprends pas."),
    (0, 3, "3"),
    (1, 0, "Des machines qui trient des dossiers plus vite que des humains, pour le meilleur "
           "et pour le pire."),
    (1, 2, "2"),
    (1, 3, "2"),
    (2, 0, "Je ne sais pas trop. J'en entends parler à la radio."),
    (2, 1, "Je ne l'utilise pas. Ça m'inquiète un peu pour les personnes âgées."),
    (3, 4, "Ne plus répéter dix fois la même information à chaque ministère."),
]

IDEAS = [  # participant index, text, condition keys, other condition
    (1, "mon avis d'imposition soit accompagné d'une explication simple, écrite pour moi, de "
        "ce qui a changé depuis l'an dernier.", ["explained_simply", "can_contest"], ""),
    (0, "un service traduise en direct mes échanges avec l'administration dans ma langue.",
     ["know_when", "data_stays"], ""),
    (4, "l'IA repère les aides auxquelles j'ai droit et que je ne demande pas, puis me "
        "prévient.", ["human_review", "know_when"], "Que je puisse refuser ce suivi."),
    (2, "on garde toujours un numéro de téléphone avec une vraie personne au bout, même si un "
        "robot répond d'abord.", ["human_review"], ""),
    (6, "les temps d'attente aux urgences soient prévus et affichés en ligne, quartier par "
        "quartier.", ["environmental_cost"], ""),
    (3, "les formulaires se remplissent seuls avec ce que l'État sait déjà de moi, et que je "
        "n'aie qu'à vérifier.", ["data_stays", "can_contest", "know_when"], ""),
]

SUPPORTS = [(0, 0), (2, 0), (3, 0), (1, 2), (5, 3), (7, 3)]  # participant, idea
COMMENTS = [
    (3, 0, "Oui ! Et que l'explication dise aussi qui appeler en cas d'erreur."),
    (4, 3, "C'est essentiel pour mes parents, qui n'ont pas internet."),
    (1, 5, "D'accord, à condition que je voie quelles données ont servi."),
]

SCENARIOS = [
    (t("Que se passerait-il si un assistant virtuel répondait aux questions sur les "
       "prestations, le soir et la fin de semaine ?",
       "What would happen if a virtual assistant answered questions about benefits in the "
       "evening and at weekends?"),
     t("Un samedi soir, Nadia veut savoir si elle a droit à une aide pour la garde de son "
       "enfant. L'assistant lui pose trois questions, lui indique l'aide qui semble lui "
       "convenir et lui donne le lien vers le formulaire. Il précise qu'il est un programme "
       "informatique et qu'une personne peut la rappeler le lundi.",
       "On a Saturday evening, Nadia wants to know whether she can get help with childcare. "
       "The assistant asks her three questions, points to the benefit that seems to fit and "
       "gives her the link to the form. It says that it is a computer program and that a "
       "person can call her back on Monday.")),
    (t("Que se passerait-il si une IA pré-remplissait votre demande de renouvellement ?",
       "What would happen if AI pre-filled your renewal application?"),
     t("Pour renouveler son permis, Marc reçoit un formulaire déjà rempli avec les "
       "informations connues. Chaque champ rempli automatiquement est signalé. Marc vérifie, "
       "corrige une adresse et envoie. Il peut demander quelles données ont été utilisées.",
       "To renew his licence, Marc receives a form already filled with what is known. Every "
       "field filled automatically is marked. Marc checks it, corrects an address and sends "
       "it. He can ask which data were used.")),
    (t("Que se passerait-il si une IA classait les demandes urgentes en premier ?",
       "What would happen if AI put urgent requests first?"),
     t("Un bureau reçoit des centaines de demandes par jour. Un programme propose un ordre de "
       "traitement. Une agente valide chaque semaine les choix du programme et peut les "
       "changer. Les personnes peuvent savoir pourquoi leur demande a été classée ainsi.",
       "An office receives hundreds of requests a day. A program suggests an order of "
       "handling. Each week an officer checks the program's choices and can change them. "
       "People can find out why their request was placed where it was.")),
]

CLOSED_IDEAS = [
    (4, "l'assistant me dise clairement quand je parle à un programme et pas à une personne.",
     ["know_when"], ""),
    (6, "je puisse obtenir une réponse écrite que je garde, pour pouvoir la contester.",
     ["can_contest"], ""),
    (2, "l'assistant soit aussi disponible par téléphone, avec une voix.", ["explained_simply"],
     ""),
]

FINDINGS = [  # heard, action, status, reason, idea indexes, scenario indexes
    (t("Vous voulez savoir, à chaque fois, si vous parlez à une IA ou à une personne.",
       "You want to know, every time, whether you are talking to AI or to a person."),
     t("Chaque réponse de l'assistant portera la mention « réponse automatique ».",
       "Every answer from the assistant will carry the words \"automatic answer\"."),
     "done", None, [0], [0]),
    (t("Vous tenez à pouvoir joindre une vraie personne, surtout pour les cas difficiles.",
       "You want to be able to reach a real person, especially for hard cases."),
     t("Un bouton « parler à une personne » sera ajouté, avec un rappel sous deux jours "
       "ouvrables.",
       "A \"talk to a person\" button will be added, with a call back within two working "
       "days."),
     "in_progress", None, [2], [0]),
    (t("Le pré-remplissage plaît, à condition de voir quelles données ont servi.",
       "Pre-filling is welcome, as long as you can see which data were used."),
     t("Un essai aura lieu sur un seul formulaire, avec la liste des données utilisées.",
       "A trial will run on one form only, with the list of the data used."),
     "planned", None, [], [1]),
    (t("Certaines personnes voudraient que l'IA décide seule des demandes simples.",
       "Some people would like AI to decide simple requests on its own."),
     t("Ce ne sera pas fait.", "This will not be done."),
     "not_retained",
     t("La loi exige qu'une personne prenne les décisions sur les prestations. L'IA peut "
       "aider, pas décider.",
       "The law requires a person to make decisions on benefits. AI can help, not decide."),
     [], [2]),
]


def _phases(consultation: Consultation, spans: dict) -> dict:
    now = utcnow()
    phases = {}
    for order, kind in enumerate(("interview", "imagine", "prototype", "results")):
        start, end = spans[kind]
        title, information = PHASE_TEXTS[kind]
        phases[kind] = Phase(consultation=consultation, kind=kind, order=order, title=title,
                             information=information, starts_at=now + timedelta(days=start),
                             ends_at=now + timedelta(days=end))
    return phases


def _participants() -> list[Participant]:
    people = [Participant(pseudonym=name, is_demo=True, consent_version=CONSENT_VERSION,
                          consented_at=utcnow()) for name, _channel in PARTICIPANTS]
    db.session.add_all(people)
    return people


def _channel(index: int) -> str:
    return PARTICIPANTS[index][1]


def _prompts(phase: Phase) -> list[Prompt]:
    return [Prompt(phase=phase, order=order, kind=kind, question=question, help=help_text,
                   choices=choices)
            for order, (kind, question, help_text, choices) in enumerate(PROMPTS)]


def _ideas(phase: Phase, people: list[Participant], rows) -> list[Idea]:
    return [Idea(phase=phase, participant=people[who], channel=_channel(who), text=text,
                 conditions=keys, other_condition=other or None)
            for who, text, keys, other in rows]


def load_open_consultation(people: list[Participant]) -> Consultation:
    consultation = Consultation(
        slug=OPEN_SLUG, is_demo=True, status="published",
        title=t("L'IA dans les services publics : parlons-en", "AI in public services: let's talk",
                "L'IA et les services publics : parlons-en", "AI and public services: let's talk"),
        summary=t("Le gouvernement veut savoir ce que vous pensez de l'intelligence artificielle "
                  "dans ses services, et à quelles conditions vous lui feriez confiance.",
                  "The government wants to know what you think about artificial intelligence "
                  "in its services, and on what conditions you would trust it.",
                  "Que pensez-vous de l'IA dans les services publics ? Dites-le-nous.",
                  "What do you think of AI in public services? Tell us."),
        description=t("Cette consultation se fait en quatre étapes. D'abord, nous vous "
                      "écoutons. Ensuite, vous imaginez des usages. Puis vous réagissez à des "
                      "cas concrets. Enfin, nous publions ce que nous avons entendu et ce qui "
                      "sera fait.\n\nVous pouvez participer à une seule étape ou à toutes.",
                      "This consultation has four steps. First, we listen. Then you imagine "
                      "uses. Next, you react to concrete cases. Finally, we publish what we "
                      "heard and what will be done.\n\nYou can take part in one step or in "
                      "all of them."),
        outcome=t("Une équipe lit toutes les contributions. Elle publie une synthèse à l'étape "
                  "Résultats, avec ce qui sera fait et pourquoi.",
                  "A team reads every contribution. It publishes a summary in the Results "
                  "step, with what will be done and why."),
        duration_minutes=15, conditions=list(DEFAULT_CONDITIONS),
        starts_at=utcnow() - timedelta(days=40), ends_at=utcnow() + timedelta(days=90))
    phases = _phases(consultation, {"interview": (-40, -10), "imagine": (-9, 20),
                                    "prototype": (21, 45), "results": (46, 90)})
    prompts = _prompts(phases["interview"])
    db.session.add(consultation)
    db.session.add_all([Answer(prompt=prompts[p], participant=people[who], channel=_channel(who),
                               value=value) for who, p, value in ANSWERS])
    ideas = _ideas(phases["imagine"], people, IDEAS)
    db.session.add_all(ideas)
    db.session.add_all([Support(idea=ideas[i], participant=people[who], channel=_channel(who))
                        for who, i in SUPPORTS])
    db.session.add_all([Comment(idea=ideas[i], participant=people[who], channel=_channel(who),
                                text=text) for who, i, text in COMMENTS])
    db.session.add_all([Scenario(phase=phases["prototype"], order=order, title=title, case=case)
                        for order, (title, case) in enumerate(SCENARIOS)])
    return consultation


def load_closed_consultation(people: list[Participant]) -> Consultation:
    consultation = Consultation(
        slug=CLOSED_SLUG, is_demo=True, status="closed",
        title=t("Un assistant virtuel pour les services aux citoyens",
                "A virtual assistant for citizen services"),
        summary=t("Consultation terminée sur un assistant virtuel qui répond aux questions sur "
                  "les prestations. Les résultats sont publiés.",
                  "A finished consultation about a virtual assistant that answers questions "
                  "about benefits. The results are published."),
        description=t("Le ministère envisageait un assistant virtuel. Les citoyennes et les "
                      "citoyens ont dit ce qu'ils en attendaient et à quelles conditions.",
                      "The ministry was considering a virtual assistant. Citizens said what "
                      "they expected from it and on what conditions."),
        outcome=t("Les résultats ci-dessous disent ce qui a été retenu, ce qui est en cours et "
                  "ce qui ne sera pas fait, avec les raisons.",
                  "The results below say what was kept, what is under way and what will not "
                  "be done, with the reasons."),
        duration_minutes=10, conditions=list(DEFAULT_CONDITIONS),
        starts_at=utcnow() - timedelta(days=200), ends_at=utcnow() - timedelta(days=5))
    phases = _phases(consultation, {"interview": (-200, -170), "imagine": (-169, -120),
                                    "prototype": (-119, -80), "results": (-60, -5)})
    _prompts(phases["interview"])
    db.session.add(consultation)
    ideas = _ideas(phases["imagine"], people, CLOSED_IDEAS)
    behind = ([ideas[0], ideas[2]], [ideas[1]], [ideas[1]])  # the ideas each scenario tests
    scenarios = [Scenario(phase=phases["prototype"], order=order, title=title, case=case,
                          ideas=behind[order])
                 for order, (title, case) in enumerate(SCENARIOS)]
    reactions = [Reaction(scenario=scenarios[0], participant=people[0], acceptability=4,
                          usefulness=5, accept_if="si je peux parler à quelqu'un le lundi."),
                 Reaction(scenario=scenarios[1], participant=people[3], channel="phone",
                          acceptability=3, usefulness=4,
                          concerns="Que mes anciennes données soient fausses."),
                 Reaction(scenario=scenarios[2], participant=people[6], acceptability=2,
                          usefulness=3, concerns="Être toujours classé en dernier.",
                          benefits="Des réponses plus rapides pour les cas graves.")]
    findings = [Finding(phase=phases["results"], order=order, heard=heard, action=action,
                        status=status, reason=reason, ideas=[ideas[i] for i in idea_rows],
                        scenarios=[scenarios[i] for i in scenario_rows])
                for order, (heard, action, status, reason, idea_rows, scenario_rows)
                in enumerate(FINDINGS)]
    db.session.add_all([*ideas, *scenarios, *reactions, *findings])
    db.session.add_all([Feedback(finding=findings[0], participant=people[4], reflects="yes"),
                        Feedback(finding=findings[3], participant=people[1], reflects="partly",
                                 comment="Je comprends, mais j'aurais aimé un essai.")])
    return consultation


def load_practice_consultation(people: list[Participant]) -> Consultation:
    """Every step open at once, to try them all: interview, ideas, scenarios and results."""
    days = 365 * PRACTICE_YEARS
    consultation = Consultation(
        slug=PRACTICE_SLUG, is_demo=True, status="published",
        title=t("Pour s'exercer : toutes les étapes ouvertes", "Practice: every step open",
                "Pour s'exercer : tout est ouvert", "Try it: all steps are open"),
        summary=t("Une consultation d'essai. Les quatre étapes sont ouvertes en même temps. "
                  "Essayez l'entrevue, les idées, les scénarios et les résultats.",
                  "A practice consultation. The four steps are open at the same time. Try the "
                  "interview, the ideas, the scenarios and the results.",
                  "C'est pour s'exercer. Vous pouvez tout essayer.",
                  "This is for practice. You can try everything."),
        description=t("Rien de ce que vous donnez ici ne sert à une vraie décision. L'équipe "
                      "peut effacer ces contributions à tout moment.",
                      "Nothing you give here is used for a real decision. The team may delete "
                      "these contributions at any time.",
                      "Ce que vous donnez ici ne sert pas à décider. C'est un essai.",
                      "What you give here is not used to decide. It is a test."),
        outcome=t("Cette consultation sert à s'exercer. Vos réponses ne sont pas analysées.",
                  "This consultation is for practice. Your answers are not analysed.",
                  "C'est un essai. Personne n'analyse vos réponses.",
                  "It is a test. Nobody analyses your answers."),
        duration_minutes=10, conditions=list(DEFAULT_CONDITIONS),
        starts_at=utcnow() - timedelta(days=1), ends_at=utcnow() + timedelta(days=days))
    phases = _phases(consultation, {kind: (-1, days) for kind in PHASE_TEXTS})
    _prompts(phases["interview"])
    db.session.add(consultation)
    ideas = _ideas(phases["imagine"], people, IDEAS[:3])
    scenarios = [Scenario(phase=phases["prototype"], order=order, title=title, case=case,
                          ideas=[ideas[order]])
                 for order, (title, case) in enumerate(SCENARIOS)]
    findings = [Finding(phase=phases["results"], order=order, heard=heard, action=action,
                        status=status, reason=reason, scenarios=[scenarios[order % 3]])
                for order, (heard, action, status, reason, _ideas_rows, _scenario_rows)
                in enumerate(FINDINGS[:3])]
    db.session.add_all([*ideas, *scenarios, *findings])
    return consultation


LOADERS = {OPEN_SLUG: load_open_consultation, CLOSED_SLUG: load_closed_consultation,
           PRACTICE_SLUG: load_practice_consultation}


def load_demo() -> list[str]:
    """Load what is missing; return the slugs created (empty when everything was there)."""
    existing = set(db.session.execute(db.select(Consultation.slug).where(
        Consultation.slug.in_(SLUGS))).scalars())
    if existing == set(SLUGS):
        return []
    people = _participants()
    created = [slug for slug in SLUGS if slug not in existing]
    for slug in created:
        LOADERS[slug](people)
    for item in db.session.new:  # the demo's participants wrote in French
        if hasattr(item, "language") and item.language is None:
            item.language = "fr"
    db.session.commit()
    return created
