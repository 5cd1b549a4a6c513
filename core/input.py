"""What visitors send, cleaned in one place before any view sees it.

No one types a NUL or another control character into a search box or a
feedback form; they arrive from broken links, fuzzers and copied binary
text. PostgreSQL refuses to store or even compare a NUL ("A string literal
cannot contain NUL characters"), SQLite stores it and the XML export then
fails on it. So every query parameter, and every field of a form posted to
the site, loses those characters here, keys and values alike: the search, the
chooser and the feedback form get what the visitor meant, and no view has to
remember to check.

Kept: tab, line feed and carriage return (text areas send them). Removed: the
other C0 controls, DEL, the C1 controls, lone surrogates and the two
noncharacters U+FFFE and U+FFFF. Bytes that are not UTF-8 never get this far:
Django has already decoded them as U+FFFD."""

import re

from django.http import Http404, QueryDict

UNTYPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def without_untyped(text):
    return UNTYPED.sub("", text)


def has_untyped(query):
    return any(UNTYPED.search(key) or any(UNTYPED.search(value) for value in values) for key, values in query.lists())


def cleaned(query):
    """`query` (a QueryDict) with the untyped characters taken out of every key
    and value; the same object when there were none, which is nearly always."""
    if not has_untyped(query):
        return query
    clean = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        for value in values:
            clean.appendlist(without_untyped(key), without_untyped(value))
    clean._mutable = False
    return clean


class CleanInputMiddleware:
    """Cleans the query string of every request and the form fields of every
    POST (see the module's docstring).

    After CsrfViewMiddleware: a forged form is refused before its body is
    looked at. Views that read their own body are left alone: those marked
    csrf_exempt (the price upload page, which checks who is sending before it
    reads a byte, then checks the file itself). An address with such a
    character in its path names no page: 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if UNTYPED.search(request.path_info):
            raise Http404("There is no page at this address.")
        request.GET = cleaned(request.GET)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and not getattr(view_func, "csrf_exempt", False):
            request.POST = cleaned(request.POST)
        return None
