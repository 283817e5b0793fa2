"""Where to ask: the public bodies a deployment lists, the topics each handles, how to reach
them (`corpus/where-to-ask.toml`). A decline names the body the question points to."""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import PhraseMatcher

NAMED = 10  # a body named in the question outweighs any number of topic words
TOPIC_GAP = 2  # words that may stand between two words of a topic phrase, choosing the body


@dataclass
class Body:
    id: str
    name: dict[str, str]
    url: dict[str, str]
    names: list[str] = field(default_factory=list)
    keywords: dict[str, list[str]] = field(default_factory=dict)
    fallback: bool = False

    def name_in(self, lang: str) -> str:
        return self.name.get(lang) or self.name.get("fr") or self.id

    def url_in(self, lang: str) -> str:
        return self.url.get(lang) or self.url.get("fr") or ""


@dataclass
class BodyMatch:
    body: Body
    named: bool  # the question names the body itself
    phrases: list[str]  # the names or topic words found, as the question writes them


class WhereToAsk:
    def __init__(self, bodies: list[Body]):
        self.bodies = bodies
        self.fallback = next((b for b in bodies if b.fallback), None)
        entries = {lang: [(n, (b, True)) for b in bodies for n in b.names]
                   + [(k, (b, False)) for b in bodies for k in b.keywords.get(lang, [])]
                   for lang in ("fr", "en")}
        self._matchers = {lang: PhraseMatcher(e) for lang, e in entries.items()}
        # choosing the body, a topic phrase may have words between its words ("hurt my
        # wrist at work"); telling what the documents do not cover, it is found as written
        self._loose = {lang: PhraseMatcher(e, gap=TOPIC_GAP) for lang, e in entries.items()}

    @classmethod
    def from_data(cls, data: dict) -> WhereToAsk:
        """From the parsed where-to-ask file ({} lists no body)."""
        return cls([Body(id=str(b["id"]), name=dict(b.get("name", {})),
                         url=dict(b.get("url", {})), names=[str(n) for n in b.get("names", [])],
                         keywords={k: [str(x) for x in v]
                                   for k, v in b.get("keywords", {}).items()},
                         fallback=bool(b.get("fallback", False)))
                    for b in data.get("body", [])])

    def phrases(self, lang: str, loose: bool = False) -> PhraseMatcher:
        matchers = self._loose if loose else self._matchers
        return matchers.get(lang) or matchers["fr"]

    def match(self, text: str, lang: str) -> BodyMatch | None:
        """The body the question points to: named, else the most topic words matched."""
        scores: dict[str, list] = {}
        for m in self.phrases(lang, loose=True).find(text):
            for body, named in m.labels:
                entry = scores.setdefault(body.id, [body, False, 0, []])
                entry[1] |= named
                entry[2] += NAMED if named else len(m.phrase.split())
                entry[3].append(text[m.start:m.end])
        if not scores:
            return None
        order = {b.id: i for i, b in enumerate(self.bodies)}
        body, named, _, found = max(scores.values(), key=lambda e: (e[2], -order[e[0].id]))
        return BodyMatch(body, named, found)
