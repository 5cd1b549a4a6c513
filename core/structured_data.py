"""JSON-LD (schema.org) shared by every page: the script tag itself, the
publisher and a BreadcrumbList (a reviewed page's MedicalWebPage is in
editorial/structured_data.py).

Builders return plain dicts; `script` turns a list of them into the one
inline script a page may carry. Each content app builds its own types from
these (therapies/structured_data.py, articles/structured_data.py). Properties
are checked against the schema.org vocabulary in tests/core/test_structured_data.py."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.sharing import SITE_NAME, canonical_url
from core.site_url import absolute_url

CONTEXT = "https://schema.org"
MULTIPLE_SCLEROSIS = {"@type": "MedicalCondition", "name": "Multiple sclerosis", "alternateName": "MS"}

# As django.utils.html.json_script: editor text can never close the script
# element or open a comment or CDATA section inside it.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def script(nodes):
    """`nodes` (dicts, None left out) as one <script type="application/ld+json">."""
    graph = [node for node in nodes if node]
    if not graph:
        return ""
    data = {"@context": CONTEXT, "@graph": graph}
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def moment(value):
    """A date and time as ISO 8601 in the site's time zone, to the second."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def page_id(request, fragment):
    """A node's @id: the page's canonical address with a #fragment."""
    return f"{canonical_url(request)}#{fragment}"


def publisher(request):
    return {"@type": "Organization", "name": SITE_NAME, "url": absolute_url("/", request)}


def breadcrumb_list(request, crumbs):
    """`crumbs`: (label, path) pairs from Home down; the last is this page."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": label, "item": absolute_url(path, request)}
            for n, (label, path) in enumerate(crumbs, start=1)
        ],
    }
