"""The decision aid's pages (issue 22): the questions, the medicines that fit
the answers (and those that do not, with the reason), and a summary to print
and take to the appointment.

Private by design: the answers are only in the address's query string (plain
GET forms, no JavaScript), so nothing is stored and no cookie is set; each
answer page is an ordinary public page, cached by its address like the
chooser's filtered lists. The question texts are reviewed site texts
(SitePage.Key.DECIDE_*); the staff preview builds the page through
`decision_aid_context` too, so a preview is the public page."""

from urllib.parse import urlencode

from django.shortcuts import render

from core.sharing import canonical_query
from editorial.public import public_page
from pages.decision_aid import PARAMETERS, questions_with, read_answers
from pages.decision_match import match, questions_to_ask
from pages.models import SitePage
from pages.queries import live_site_pages
from prices.countries import country_for
from prices.queries import attach_own_estimates
from therapies import queries

QUESTIONS_TEMPLATE = "pages/decide.html"
ANSWERS_TEMPLATE = "pages/decide_answers.html"
SUMMARY_TEMPLATE = "pages/decide_summary.html"
DECIDE_KEYS = (SitePage.Key.DECIDE_INTRODUCTION, *SitePage.DECISION_AID_QUESTIONS)


def decision_aid_context(texts, query, with_medicines=True):
    """The aid's context. `texts`: {key: the live SitePage, an editor's
    working copy in the preview, or None} for DECIDE_KEYS; `query`: the
    address's parameters (the answers and the country for prices).
    `with_medicines`: match the medicines too (the question page does not)."""
    questions = questions_with(texts)
    answers = read_answers(query)
    prices = country_for(query)
    context = {
        "introduction": texts.get(SitePage.Key.DECIDE_INTRODUCTION),
        "questions": questions,
        "answers": answers,
        "answered": answers.listed(questions),
        # Each question's options, the reader's answer ticked (the form keeps it when changing answers).
        "asked": [(q, [(value, label, answers.get(q.name) == value) for value, label in q.options]) for q in questions],
        "prices": prices,
        "page_query": query,
        # The links between the aid's pages carry the answers, and nothing else of the address.
        "answers_query": urlencode([*answers.chosen.items(), *([("country", prices.country.code)] if not prices.is_default else [])]),
    }
    if with_medicines and answers.given:
        medicines = attach_own_estimates(queries.decision_aid_medicines(), prices)
        context["result"] = match(medicines, answers, questions)
        context["to_ask"] = questions_to_ask(answers)
    return context


def _aid_page(template, with_medicines):
    # The answers and the country choose the page: they stay in its
    # canonical address, and tracking tags or typos are left out of it.
    @canonical_query(*PARAMETERS)
    @public_page  # public: the aid asks for no account, and readers share its links
    def view(request):
        context = decision_aid_context(live_site_pages(*DECIDE_KEYS), request.GET, with_medicines)
        return render(request, template, context)

    return view


decide = _aid_page(QUESTIONS_TEMPLATE, with_medicines=False)
decide_answers = _aid_page(ANSWERS_TEMPLATE, with_medicines=True)
decide_summary = _aid_page(SUMMARY_TEMPLATE, with_medicines=True)
decide.__name__, decide_answers.__name__, decide_summary.__name__ = "decide", "decide_answers", "decide_summary"
