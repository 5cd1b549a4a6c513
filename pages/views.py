"""The site's own pages: the home page and the emerging therapies and
supportive care pages (each introduced by a site text, then listing the
catalogue's groups or sections); the pages a trustworthy health site has
(about us, editorial policy, accessibility statement and contact us: site
texts edited and reviewed in the admin, like every page); and the readers'
"Report a problem with this page" form.

The form page is never cached: it carries a CSRF token for one visitor. The
thank-you page holds nothing personal and is cached like any other page."""

from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from pages.models import SitePage
from articles.queries import latest_articles
from pages.feedback import (
    FEEDBACK_RATE_LIMIT,
    RATE_LIMITED,
    FeedbackForm,
    over_rate_limit,
    send_notification,
    site_path,
)
from editorial.public import public_page
from pages.queries import live_site_page, live_site_pages
from pages.sections import live_care_sections, live_emerging_sections
from prices.cost_table import cost_table
from prices.countries import country_for
from core.markup import glossary_terms
from core.sharing import canonical_query

SITE_PAGE_TEMPLATE = "pages/site_page.html"
HOME_TEMPLATE = "pages/home.html"
EMERGING_TEMPLATE = "pages/emerging.html"
CARE_TEMPLATE = "pages/care.html"


# The pages a site text introduces: {key: (template, context from the text)}.
# `introduction` is the live SitePage, an editor's working copy in the
# preview, or None: the page then shows its heading without the text, as
# nothing unreviewed reaches readers.


def home_context(introduction, query=None):
    prices = country_for(query)
    return {
        "introduction": introduction,
        "prices": prices,
        "cost_table": cost_table(query, prices),
        "latest_articles": latest_articles(3),
    }


def emerging_context(introduction, query=None):
    # The glossary read once for the introduction and the kept sections.
    glossary = glossary_terms()
    return {"introduction": introduction, "sections_html": live_emerging_sections(glossary), "glossary": glossary}


LIVE = object()


def care_context(introduction, query=None, crisis=LIVE):
    """`crisis`: the crisis lines shown with the mental health section (the
    view fetches the live text with the introduction; a preview passes the
    editor's working copy); by default the live one."""
    if crisis is LIVE:
        crisis = live_site_page(SitePage.Key.CRISIS_SUPPORT)
    glossary = glossary_terms()
    return {"introduction": introduction, "sections_html": live_care_sections(crisis, glossary), "glossary": glossary}


INTRODUCED_PAGES = {
    SitePage.Key.HOME_INTRODUCTION: (HOME_TEMPLATE, home_context),
    SitePage.Key.EMERGING_INTRODUCTION: (EMERGING_TEMPLATE, emerging_context),
    SitePage.Key.CARE_INTRODUCTION: (CARE_TEMPLATE, care_context),
}


def introduced_page(request, key):
    template, context = INTRODUCED_PAGES[key]
    return render(request, template, context(live_site_page(key), request.GET))


@canonical_query("country")
@public_page
def home(request):
    return introduced_page(request, SitePage.Key.HOME_INTRODUCTION)


@public_page
def emerging(request):
    return introduced_page(request, SitePage.Key.EMERGING_INTRODUCTION)


@public_page
def care(request):
    # The introduction and the crisis lines in one query.
    texts = live_site_pages(SitePage.Key.CARE_INTRODUCTION, SitePage.Key.CRISIS_SUPPORT)
    context = care_context(texts[SitePage.Key.CARE_INTRODUCTION], request.GET, crisis=texts[SitePage.Key.CRISIS_SUPPORT])
    return render(request, CARE_TEMPLATE, context)


def site_page_context(text, key):
    """The page's context. `text` is the live SitePage, an editor's working
    copy in the preview, or None (the page then shows its heading only)."""
    return {"text": text, "key": key, "default_title": SitePage.Key(key).label.split(" (")[0]}


def _site_page(key):
    @public_page
    def view(request):
        return render(request, SITE_PAGE_TEMPLATE, site_page_context(live_site_page(key), key))

    view.__name__ = f"site_page_{key.replace('-', '_')}"
    return view


about = _site_page(SitePage.Key.ABOUT)
editorial_policy = _site_page(SitePage.Key.EDITORIAL_POLICY)
accessibility = _site_page(SitePage.Key.ACCESSIBILITY)
contact = _site_page(SitePage.Key.CONTACT)


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request):
    status = 200
    refused = None
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            if over_rate_limit(request):
                refused = RATE_LIMITED.format(limit=FEEDBACK_RATE_LIMIT)
                status = 429
            else:
                if not form.is_spam():
                    report = form.save()
                    transaction.on_commit(lambda: send_notification(report))
                # A robot that filled the honeypot is thanked too, and learns nothing.
                thanks = reverse("pages:feedback_thanks")
                return redirect(f"{thanks}?{urlencode({'page': form.cleaned_data['page']})}")
    else:
        # Only a path on this site is filled in; anything else is left out.
        form = FeedbackForm(initial={"page": site_path(request.GET.get("page")) or ""})
    return render(request, "pages/feedback_form.html", {"form": form, "refused": refused}, status=status)


@require_safe
def feedback_thanks(request):
    return render(request, "pages/feedback_thanks.html", {"page": site_path(request.GET.get("page"))})
