"""/search/?q=...: the site's search page. The work is in search/queries.py.

Never stored by the page cache (never_cache: Cache-Control no-store,
private), so a search is always answered from the current index and one
reader's query is never served to another. The page asks search engines
not to index it (robots noindex, in its template)."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.sharing import canonical_query
from editorial.public import public_page
from search import log
from search.queries import search


@canonical_query("q", "page")
@never_cache
@require_safe
@public_page
def results(request):
    page_number = request.GET.get("page") or 1
    outcome = search(request.GET.get("q", ""), page_number)
    # Each search is counted once: not again for its further pages.
    first_page = str(page_number) == "1" and request.method == "GET"
    if outcome.redirect_to:
        if first_page:
            log.record(outcome.query, 1)
        return HttpResponseRedirect(outcome.redirect_to)
    if first_page and outcome.words:
        # A query answered only by "Did you mean" counts as not found: it is
        # what editors may want to add (a brand name, a common misspelling).
        log.record(outcome.query, 0 if outcome.suggestion else outcome.total)
    return render(request, "search/results.html", {"outcome": outcome, "search_query": outcome.query})
