"""Parlons IA retrieval chatbot engine (plain library, no web framework).

    from chatbot import Chatbot
    bot = Chatbot.load()
    reply = bot.ask("Qu'est-ce que la stratégie ?", lang="fr", simple=False)
"""

from .answer import Reply, Source
from .bot import Chatbot

__all__ = ["Chatbot", "Reply", "Source"]
