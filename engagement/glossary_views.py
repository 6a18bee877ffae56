"""``/p/<slug>/glossary/``: a partnership's acronyms and terms in plain words, public, A to Z."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from toolkit.page_cache import public_page

from .glossary import glossary_for
from .models import GlossaryTerm, Partnership
from .query_string import page_number

# Terms on one page: far more than a partnership uses, so the A to Z is nearly always one page.
TERMS_PER_PAGE = 200


@dataclass
class Letter:
    """The terms under one letter heading (``letter`` is "A" … "Z", or "#" for those starting otherwise)."""

    letter: str
    terms: list

    @property
    def anchor(self):
        return "letter-other" if self.letter == "#" else f"letter-{self.letter.lower()}"


def first_letter(term: GlossaryTerm) -> str:
    initial = term.term.strip()[:1].upper()
    return initial if "A" <= initial <= "Z" else "#"


def by_letter(terms) -> list[Letter]:
    """``terms`` (in alphabetical order) under their letters, each term given an anchor unique on the page."""
    letters, used = [], set()
    for term in terms:
        anchor = term.anchor if term.anchor not in used else f"{term.anchor}-{term.pk}"
        used.add(anchor)
        term.page_anchor = anchor
        letter = first_letter(term)
        if not letters or letters[-1].letter != letter:
            letters.append(Letter(letter, []))
        letters[-1].terms.append(term)
    return letters


@public_page
def glossary(request, slug):
    """The terms of the partnership and of those above it, alphabetical, with letter headings to jump to."""
    partnership = get_object_or_404(Partnership.objects.select_related("parent"), slug=slug)
    terms = glossary_for(partnership).terms
    page = Paginator(terms, TERMS_PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "engagement/glossary.html",
        {
            "partnership": partnership,
            "page_obj": page,
            "letters": by_letter(page.object_list),
            "term_count": len(terms),
            "inherited": any(term.partnership_id != partnership.pk for term in terms),
        },
    )
