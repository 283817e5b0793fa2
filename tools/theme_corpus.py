"""Generated ideas for measuring theme suggestions: varied sentences on known topics.

Each idea joins a common opening ("J'imagine que…", "I wish…"), a topic's subject, one of
its predicates, sometimes a detail and often a mention of AI, so that topics share their
sentence frames and their common subject and differ by what they are about, as real ideas
do. French mostly, a fifth in English.

    python tools/theme_corpus.py 1000      prints the ideas, one a line
"""

import random
import sys

OPENINGS_FR = ["", "J'imagine que ", "Il faudrait que ", "Ce serait bien si ", "Je souhaite que ",
               "Pour moi, ", "À mon avis, ", "Un jour, "]
OPENINGS_EN = ["", "I wish ", "It would help if ", "I imagine that ", "In my view, "]
# What every idea of such a consultation is about, said in many of them.
AI_FR = ["", "", " grâce à l'IA", " avec l'intelligence artificielle", " si l'IA est utilisée",
         " quand l'algorithme s'en occupe"]
AI_EN = ["", "", " with AI", " when artificial intelligence is used"]

TOPICS = {
    "données": (
        ["mes données personnelles", "les renseignements sur ma santé", "mon dossier fiscal",
         "les données des citoyens", "mes informations privées"],
        ["restent hébergées au Québec", "ne soient jamais vendues à des entreprises",
         "soient effacées après un délai connu", "soient chiffrées et protégées",
         "ne servent qu'à la demande que j'ai faite"],
        ["", " et que je sache qui les consulte", " avec un registre des accès",
         " sans copie à l'étranger"],
        (["my personal data", "health records", "citizens' data"],
         ["stays in Canada", "is never sold to companies", "is deleted after a known time"]),
    ),
    "humain": (
        ["une vraie personne", "un agent du ministère", "un humain au téléphone",
         "une fonctionnaire formée", "un conseiller"],
        ["puisse revoir chaque décision de la machine", "réponde quand le robot se trompe",
         "vérifie les refus avant l'envoi de la lettre", "reste joignable au comptoir",
         "explique la décision de vive voix"],
        ["", " dans un délai de deux jours", " sans frais", " même le soir"],
        (["a real person", "a human officer", "a trained public servant"],
         ["reviews every automated decision", "answers the phone when the bot fails",
          "checks each refusal before the letter goes out"]),
    ),
    "environnement": (
        ["les serveurs de l'IA", "les centres de données", "les calculs des modèles",
         "l'empreinte carbone du numérique", "la consommation d'électricité"],
        ["soient alimentés par l'hydroélectricité", "consomment moins d'eau et d'énergie",
         "soient publiés dans un bilan écologique", "restent sobres pour la planète",
         "soient mesurés chaque année pour le climat"],
        ["", " avec des cibles de réduction", " et comparés aux autres pays",
         " pour protéger l'environnement"],
        (["data centres", "the carbon footprint of AI", "the energy used by models"],
         ["are powered by clean hydro power", "use less water and energy",
          "are reported in a yearly environmental review"]),
    ),
    "langues": (
        ["un service de traduction", "les documents officiels", "l'assistant virtuel",
         "les lettres du gouvernement", "les formulaires en ligne"],
        ["soient traduits dans ma langue maternelle", "parlent aussi les langues autochtones",
         "soient lus à voix haute pour les personnes aveugles",
         "existent en langage simple et clair", "soient adaptés aux personnes sourdes"],
        ["", " avec des sous-titres", " en braille sur demande", " pour les nouveaux arrivants"],
        (["official letters", "the virtual assistant", "online forms"],
         ["are translated into my mother tongue", "are read aloud for blind people",
          "use plain and simple language"]),
    ),
    "urgences": (
        ["les temps d'attente aux urgences", "les rendez-vous médicaux", "les lits d'hôpital",
         "les listes d'attente en chirurgie", "les cliniques sans rendez-vous"],
        ["soient prévus et affichés en ligne", "soient répartis selon les besoins réels",
         "soient annoncés par texto", "soient mieux planifiés grâce aux prévisions",
         "soient réduits pour les aînés"],
        ["", " quartier par quartier", " chaque heure", " dans toutes les régions"],
        (["emergency room waiting times", "medical appointments", "hospital beds"],
         ["are predicted and shown online", "are sent by text message",
          "are planned with better forecasts"]),
    ),
    "formulaires": (
        ["ma déclaration de revenus", "le renouvellement du permis de conduire",
         "les demandes d'aide sociale", "le formulaire d'allocation familiale",
         "mon changement d'adresse"],
        ["se remplisse tout seul avec ce que l'État sait déjà",
         "se fasse en trois clics sans papier", "n'oblige plus à répéter la même information",
         "soit vérifié automatiquement avant l'envoi", "arrive prérempli dans ma boîte"],
        ["", " et que je n'aie qu'à confirmer", " une seule fois pour tous les ministères",
         " sans attendre des semaines"],
        (["my tax return", "the driver's licence renewal", "benefit applications"],
         ["fills itself with what the state already knows", "takes three clicks, no paper",
          "never asks the same information twice"]),
    ),
    "biais": (
        ["les algorithmes de sélection", "les modèles de prédiction", "les outils de tri",
         "les systèmes de notation", "les décisions automatisées"],
        ["ne discriminent pas selon l'origine ou le sexe", "soient testés contre les biais",
         "traitent les quartiers pauvres avec équité",
         "soient audités par un organisme indépendant",
         "ne pénalisent pas les personnes handicapées"],
        ["", " chaque année", " avec des résultats publics", " avant leur mise en service"],
        (["selection algorithms", "prediction models", "automated decisions"],
         ["do not discriminate by origin or gender", "are tested for bias",
          "are audited by an independent body"]),
    ),
    "fraude": (
        ["la sécurité des comptes en ligne", "la détection de la fraude",
         "les mots de passe des citoyens", "les cyberattaques contre l'État",
         "le vol d'identité"],
        ["soit surveillée pour bloquer les pirates", "soit renforcée par une double vérification",
         "déclenche une alerte immédiate", "soit prévenue par des copies de sauvegarde",
         "soit signalée rapidement aux victimes"],
        ["", " jour et nuit", " avec un numéro d'urgence", " sans bloquer les honnêtes gens"],
        (["online account security", "fraud detection", "identity theft"],
         ["is watched to block hackers", "uses two-step verification",
          "raises an immediate alert"]),
    ),
    "école": (
        ["les élèves en difficulté", "les enseignants", "les devoirs à la maison",
         "l'aide aux études", "les parents d'élèves"],
        ["reçoivent un tuteur adapté à leur rythme", "aient des exercices corrigés tout de suite",
         "soient accompagnés pour apprendre à lire", "trouvent des cours de rattrapage gratuits",
         "soient prévenus tôt des retards scolaires"],
        ["", " à l'école primaire", " au secondaire", " le soir et la fin de semaine"],
        (["struggling students", "teachers", "homework help"],
         ["get a tutor that adapts to their pace", "get exercises corrected right away",
          "find free catch-up classes"]),
    ),
    "transparence": (
        ["chaque décision prise par l'IA", "les critères du programme",
         "la lettre de refus", "le code des algorithmes publics", "les règles de calcul"],
        ["soit expliquée avec des mots simples", "soit publiée sur un site ouvert",
         "indique clairement qu'une machine a participé", "puisse être contestée facilement",
         "donne les raisons et le recours possible"],
        ["", " avec un exemple", " et un numéro à appeler", " dans un registre public"],
        (["every AI decision", "the refusal letter", "public algorithms' code"],
         ["is explained in plain words", "says clearly that a machine took part",
          "can be appealed easily"]),
    ),
}


def generate(count: int = 1000, seed: int = 7) -> list[tuple[str, str]]:
    """(topic, idea) pairs, all different, topics in turn."""
    rng = random.Random(seed)
    names = list(TOPICS)
    made, seen = [], set()
    while len(made) < count:
        topic = names[len(made) % len(names)]
        subjects, predicates, details, (en_subjects, en_predicates) = TOPICS[topic]
        if rng.random() < 0.2:
            text = (rng.choice(OPENINGS_EN) + rng.choice(en_subjects) + " "
                    + rng.choice(en_predicates) + rng.choice(AI_EN) + ".")
        else:
            text = (rng.choice(OPENINGS_FR) + rng.choice(subjects) + " "
                    + rng.choice(predicates) + rng.choice(details) + rng.choice(AI_FR) + ".")
        text = text[0].upper() + text[1:]
        if text in seen:
            continue
        seen.add(text)
        made.append((topic, text))
    return made


if __name__ == "__main__":
    for _topic, idea in generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000):
        print(idea)
