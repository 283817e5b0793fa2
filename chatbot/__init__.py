"""Parlons IA retrieval chatbot engine (plain library, no web framework; the web layer is
`chatbot.web`). Every path is an argument: the library assumes no folder layout.

    from chatbot import Chatbot
    bot = Chatbot.load("corpus", cache_dir="instance/chatbot-index",
                       calibration_file="chatbot/calibration.json")
    reply = bot.ask("Qu'est-ce que la stratégie ?", lang="fr", simple=False)
"""

from .answer import Reply, Source
from .bot import Chatbot

__all__ = ["Chatbot", "Reply", "Source"]
