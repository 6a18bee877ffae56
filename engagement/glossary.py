"""Plain words: a partnership's glossary, read once per page, and the marking of its terms in text.

``glossary_for(partnership)`` reads the terms that hold on a partnership's
pages (its own and those of the partnerships above it, the nearest winning) in
one query, and keeps them on the partnership object, so a page that marks
twenty pieces of text asks the database once. ``Glossary.mark(text)`` escapes
the text and wraps the first occurrence on the page of each term (a whole word;
acronyms in capitals match in capitals only) in ``<abbr title="…">``: the
page's first "LHCP" says what it stands for, the rest are plain.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from .models import GlossaryTerm, Partnership

# The levels from the nearest partnership up: a neighbourhood's own meaning of a term beats its place's.
LEVEL_ORDER = {level: rank for rank, level in enumerate(Partnership.Level.values[::-1])}
CACHE_ATTRIBUTE = "_glossary"


@dataclass
class Glossary:
    """The terms that hold on one partnership's pages, and which of them this page has marked already."""

    partnership: Partnership
    terms: list[GlossaryTerm]
    marked: set = field(default_factory=set)

    def __post_init__(self):
        self._by_key = {self.key(term.term, term.is_acronym): term for term in self.terms}
        self._pattern = self._compile()

    @staticmethod
    def key(text, acronym):
        return text if acronym else text.casefold()

    def _compile(self):
        if not self.terms:
            return None
        # Longest first, so "ICS Partnership" is one term rather than "ICS" and the rest.
        alternatives = [
            re.escape(term.term) if term.is_acronym else f"(?i:{re.escape(term.term)})"
            for term in sorted(self.terms, key=lambda term: -len(term.term))
        ]
        return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")

    def _term_for(self, found):
        return self._by_key.get(found) or self._by_key.get(found.casefold())

    def mark(self, text):
        """``text`` escaped, with each term's first occurrence on the page in an ``<abbr>`` (safe HTML).

        Text that is already HTML (``SafeData``) is returned as it is: terms are
        never looked for inside markup, whose attributes they could break.
        """
        if text is None:
            return ""
        if isinstance(text, SafeData):
            return text
        text = str(text)
        if self._pattern is None:
            return escape(text)
        pieces, last = [], 0
        for match in self._pattern.finditer(text):
            term = self._term_for(match.group(0))
            if term is None or term.pk in self.marked:
                continue
            self.marked.add(term.pk)
            pieces.append(escape(text[last : match.start()]))
            pieces.append(f'<abbr title="{escape(term.explanation)}">{escape(match.group(0))}</abbr>')
            last = match.end()
        pieces.append(escape(text[last:]))
        return mark_safe("".join(pieces))


def nearest_first(terms, partnership):
    """One term per word (its own partnership's, else the nearest above), in alphabetical order."""
    ranked = sorted(
        terms,
        key=lambda term: (term.partnership_id != partnership.pk, LEVEL_ORDER.get(term.partnership.level, 0)),
    )
    chosen = {}
    for term in ranked:
        chosen.setdefault(term.term.casefold(), term)
    return sorted(chosen.values(), key=lambda term: (term.term.casefold(), term.term))


def glossary_for(partnership) -> Glossary:
    """The partnership's glossary, read once and kept on the object (one query per page)."""
    glossary = partnership.__dict__.get(CACHE_ATTRIBUTE)
    if glossary is None:
        terms = nearest_first(GlossaryTerm.objects.for_partnership(partnership), partnership)
        glossary = Glossary(partnership, terms)
        partnership.__dict__[CACHE_ATTRIBUTE] = glossary
    return glossary
