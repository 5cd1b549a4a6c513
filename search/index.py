"""Keeping the search index in step with the site: which pages get a
SearchDocument, what it says, and when it is written.

Rules:
- Only content whose status is published gets a document; a draft, an
  unpublished page, content in review and a revision waiting for a reviewer
  never do (a pending revision lives in editorial.Revision, not in the
  record, until it is approved).
- A document keeps its page's live window, and searches filter on it
  (SearchDocument.objects.live()), so content scheduled to go live or to
  expire needs no reindex. A therapy is visible only while its group is live
  too (therapies.queries.published_therapies), so its window is the part of
  its own that falls within its group's: the later go-live, the earlier expiry.
- A document is rebuilt from the current rows, never from the changed
  instance, so writing one twice, late or out of order is harmless.

When: every save and delete of a therapy (or of one of its forms), a
category (under any of its proxies), an article or a site text marks the page
for reindexing once the transaction commits; a category's change reindexes
its therapies (their window and page type follow it), and a therapy's change
the sections (whether a section has a page of its own depends on its listed
therapies; only the documents that changed are written). All the
review workflow's steps that change what readers see (approving, approving a
revision, a scheduled revision going live, unpublishing) save the record, so
they reach the index through the same signals: editorial needs to know
nothing of search.

The signals are connected per model (the indexed models and their proxies),
not for every sender: a post_delete listener for every model would stop
Django's fast bulk deletes everywhere (see core.watching.watch).

`rebuild()` writes the whole index again (the rebuild_search_index command,
and after `migrate` when the index is empty but live content exists)."""

import html
import logging
import re
import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import signals
from django.utils.html import strip_tags

from articles.models import COST_TABLE_MARKER, Article
from pages.models import SitePage
from pages.templatetags.crisis_support import MENTAL_HEALTH_SECTION_SLUG
from core import transactions
from editorial.models import EditorialStatus
from search import backends
from search.models import SearchDocument, split_names
from core.markup import render_markdown
from therapies.fact_sheet import fact_sheet
from therapies.models import Category, CategoryKind, Therapy
from therapies.queries import SECTION_PAGES, published_therapies, reading_url

logger = logging.getLogger(__name__)

# What a result says each page is.
THERAPY_LABELS = {
    CategoryKind.DISEASE_MODIFYING: "Disease-modifying therapy",
    CategoryKind.EMERGING: "Emerging therapy",
    CategoryKind.SUPPORTIVE: "Supportive care",
}
CATEGORY_LABELS = {
    CategoryKind.DISEASE_MODIFYING: "Group of disease-modifying therapies",
    CategoryKind.EMERGING: "Emerging therapies section",
    CategoryKind.SUPPORTIVE: "Supportive care section",
}

# What a therapy page shows as text besides its body and fact sheet, searched like its body.
THERAPY_TEXT_FIELDS = ("frequency", "mechanism")

# The search page marks matches with these (search/highlight.py); text that
# contained them could forge a highlight, so they never reach the index.
SENTINELS = re.compile("[\ue000\ue001]")


def clean(text):
    """Plain text fit for the index: Unicode composed (NFC, as queries are),
    the highlight markers removed, spaces collapsed."""
    text = unicodedata.normalize("NFC", text or "")
    return " ".join(SENTINELS.sub("", text).split())


_SENTENCE_END = ".!?:;…"


def joined(parts):
    """Pieces of text (lines, list items, a page's blocks) as one text that
    reads right in a snippet: each piece ends as a sentence does, so the end
    of one list item and the start of the next do not read as one phrase."""
    pieces = [" ".join(piece.strip().lstrip("-•*").split()) for piece in parts]
    pieces = [piece for piece in pieces if piece]
    return " ".join(
        piece if index == len(pieces) - 1 or piece[-1] in _SENTENCE_END else f"{piece}."
        for index, piece in enumerate(pieces)
    )


def lines_text(text):
    """A plain field whose lines are items (a fact sheet's lists)."""
    return clean(joined((text or "").splitlines()))


def markdown_text(text):
    """What readers read of a Markdown field: rendered, sanitised, then
    stripped of its tags (so link addresses and markup are not searched)."""
    rendered = str(render_markdown(text or "")).replace(f"<p>{COST_TABLE_MARKER}</p>", " ")
    # Blocks end lines: "</li><li>" must not glue two items together.
    lined = re.sub(r"</?(?:p|li|h[1-6]|td|th|tr|br|blockquote|pre|ul|ol|table)\b[^>]*>", "\n", rendered)
    return clean(joined(html.unescape(strip_tags(lined)).splitlines()))


def _published(record):
    return record.status == EditorialStatus.PUBLISHED and record.published_at is not None


def _window(*records):
    """The part of the records' live windows they share, as (go-live, expiry),
    or None when they share none."""
    published_at = max(record.published_at for record in records)
    expiries = [record.expires_at for record in records if record.expires_at is not None]
    expires_at = min(expiries) if expiries else None
    if expires_at is not None and expires_at <= published_at:
        return None
    return published_at, expires_at


# --- One page's document ------------------------------------------------------------------


# The heading of the cost section of templates/therapies/therapy_detail.html.
THERAPY_COST_HEADING = "What it costs"


def fact_sheet_text(therapy):
    """The fact sheet as the page shows it (therapies.fact_sheet), each block
    under its heading: "Pregnancy and breastfeeding. Not recommended...".
    With the headings, a search for a block's subject ("pregnancy", "side
    effects") finds every page that has the block, whatever words its text
    happens to use; and the labels of the chosen options ("High efficacy",
    "At home") are searched as readers see them."""
    pieces = []
    for block in fact_sheet(therapy, []):
        pieces += [block.heading, block.lead, *(f"{label}: {value}" for label, value in block.facts)]
        pieces += [*block.items, *block.text.splitlines(), block.note]
    return clean(joined(pieces))


def forms_relation():
    """The relation from a therapy to its forms and versions (ocrelizumab's
    infusion and its injection, Ocrevus Zunovo; natalizumab's biosimilar,
    Tyruko), or None while the catalogue has no such model: their brand names
    lead to the medicine as its own do."""
    for relation in Therapy._meta.related_objects:
        if relation.get_accessor_name() == "forms":
            return relation
    return None


def therapy_forms(therapy):
    return list(therapy.forms.all()) if forms_relation() is not None else []


def therapy_names(therapy, forms):
    """The generic name, then every brand name of the medicine and of its
    forms, each once (ignoring capitals)."""
    names = [therapy.generic_name, *therapy.brand_name_list]
    for form in forms:
        names += split_names(getattr(form, "brand_names", ""))
    seen, unique = set(), []
    for name in map(clean, names):
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return unique


def therapy_document(therapy):
    category = therapy.category
    if not (_published(therapy) and _published(category)):
        return None
    window = _window(therapy, category)
    if window is None:
        return None
    forms = therapy_forms(therapy)
    facts = [
        markdown_text(therapy.body),
        *(lines_text(getattr(therapy, name)) for name in THERAPY_TEXT_FIELDS),
        fact_sheet_text(therapy),
        # A form's own name ("Injection under the skin") is text, not a name
        # of the medicine: searching it must not lead straight to one page.
        *(clean(getattr(form, "name", "")) for form in forms),
        # Every therapy page has this section (its own estimate, its group's,
        # or "none yet"), so "ocrevus cost" finds the page with all its words.
        THERAPY_COST_HEADING,
    ]
    return SearchDocument(
        kind=SearchDocument.Kind.THERAPY,
        type_label=THERAPY_LABELS.get(category.kind, "Therapy"),
        url=therapy.get_absolute_url(),
        title=clean(therapy.generic_name),
        names=", ".join(therapy_names(therapy, forms)),
        summary=clean(therapy.summary),
        body=joined(facts),
        published_at=window[0],
        expires_at=window[1],
    )


def category_document(category, has_listed_therapy=True):
    if not _published(category):
        return None
    return SearchDocument(
        kind=SearchDocument.Kind.CATEGORY,
        type_label=CATEGORY_LABELS.get(category.kind, "Group of therapies"),
        url=reading_url(category, has_listed_therapy),
        title=clean(category.name),
        summary=clean(category.summary),
        body=joined([clean(category.administration), markdown_text(category.body)]),
        published_at=category.published_at,
        expires_at=category.expires_at,
    )


def article_document(article):
    if not _published(article):
        return None
    return SearchDocument(
        kind=SearchDocument.Kind.ARTICLE,
        type_label="Article",
        url=article.get_absolute_url(),
        title=clean(article.title),
        summary=clean(article.standfirst),
        body=markdown_text(article.body),
        published_at=article.published_at,
        expires_at=article.expires_at,
    )


def site_page_url(page):
    if page.key == SitePage.Key.CRISIS_SUPPORT:
        # Shown with the mental health support section of the supportive care page.
        return f"{page.get_absolute_url()}#section-{MENTAL_HEALTH_SECTION_SLUG}"
    return page.get_absolute_url()


def site_page_document(page):
    if not _published(page) or page.key not in SitePage.URL_NAMES or page.key in SitePage.DECISION_AID_QUESTIONS:
        return None
    return SearchDocument(
        kind=SearchDocument.Kind.PAGE,
        type_label="Page",
        url=site_page_url(page),
        title=clean(page.title),
        body=markdown_text(page.body),
        published_at=page.published_at,
        expires_at=page.expires_at,
    )


def category_documents(categories):
    """Each category's document (or None), with one query for which have a therapy listed."""
    listed = set(
        published_therapies().filter(category__in=[c.pk for c in categories]).values_list("category", flat=True)
    )
    return [category_document(category, category.pk in listed) for category in categories]


def _therapies():
    rows = Therapy.objects.select_related("category")
    return rows.prefetch_related("forms") if forms_relation() is not None else rows


# Each indexed (concrete) model: its rows, and the documents of a list of them.
SOURCES = {
    Therapy: (_therapies, lambda rows: [therapy_document(r) for r in rows]),
    Category: (lambda: Category.objects.all(), category_documents),
    Article: (lambda: Article.objects.all(), lambda rows: [article_document(r) for r in rows]),
    SitePage: (lambda: SitePage.objects.all(), lambda rows: [site_page_document(r) for r in rows]),
}

# The fields a document is built with: a rebuilt document equal in all of
# them to the stored one is not written again.
CONTENT_FIELDS = ("kind", "type_label", "url", "title", "names", "summary", "body", "published_at", "expires_at")


def _concrete(model):
    return model._meta.concrete_model


def _documents(model, rows):
    content_type = ContentType.objects.get_for_model(model)
    documents = []
    for row, document in zip(rows, SOURCES[model][1](rows)):
        if document is not None:
            document.content_type = content_type
            document.object_id = row.pk
            documents.append(document)
    return documents


# --- Writing ------------------------------------------------------------------------------


def _write(model, pks):
    """Bring the documents of the rows `pks` of `model` in line with the rows:
    write the changed ones, delete those of rows gone or no longer published."""
    if not pks:
        return
    content_type = ContentType.objects.get_for_model(model)
    documents = _documents(model, list(SOURCES[model][0]().filter(pk__in=pks)))
    with transaction.atomic():
        stored = {doc.object_id: doc for doc in SearchDocument.objects.filter(content_type=content_type, object_id__in=pks)}
        written = []
        for document in documents:
            current = stored.pop(document.object_id, None)
            if current is not None:
                if all(getattr(current, name) == getattr(document, name) for name in CONTENT_FIELDS):
                    continue
                document.pk = current.pk
            document.save()
            written.append(document)
        gone = [doc.pk for doc in stored.values()]
        backend = backends.current()
        if gone:
            backend.remove(gone)
            SearchDocument.objects.filter(pk__in=gone).delete()
        if written:
            backend.write(written)


def reindex(model, pks):
    """Write again the documents of the rows `pks` of `model` (an indexed
    model or one of its proxies), and of the pages whose document they change."""
    model = _concrete(model)
    pks = set(pks)
    if not pks:
        return
    _write(model, pks)
    if model is Category:
        # A group's window and kind are its therapies' too.
        _write(Therapy, set(Therapy.objects.filter(category__in=pks).values_list("pk", flat=True)))
    elif model is Therapy:
        # A section gains or loses its own page with its first or last listed
        # therapy, and a therapy may have moved from one group to another:
        # look at every section (a dozen; only changed documents are written).
        _write(Category, set(Category.objects.filter(kind__in=SECTION_PAGES).values_list("pk", flat=True)))


def rebuild():
    """The whole index written again from the content. Returns the number of documents."""
    documents = []
    for model, (fetch, _build) in SOURCES.items():
        documents.extend(_documents(model, list(fetch())))
    with transaction.atomic():
        backend = backends.current()
        backend.clear()
        SearchDocument.objects.all().delete()
        SearchDocument.objects.bulk_create(documents, batch_size=200)
        written = list(SearchDocument.objects.all())
        backend.write(written)
    return len(written)


def readers_see_content():
    """True when readers can see some content, so the index has something to hold."""
    return (
        published_therapies().exists()
        or Category.objects.live().exists()
        or Article.objects.live().exists()
        or SitePage.objects.live().exists()
    )


# --- When --------------------------------------------------------------------------------


def _pending(using):
    connection = transaction.get_connection(using)
    if not hasattr(connection, "search_reindex_pending"):
        connection.search_reindex_pending = {}
    return connection.search_reindex_pending


def _flush(using=None):
    """Reindex the pages changed in the transaction that just committed. A
    failure is logged, never raised: the editor's change is already saved, and
    `rebuild_search_index` puts the index right."""
    pending = _pending(using)
    work = dict(pending)
    pending.clear()
    for model, pks in work.items():
        try:
            reindex(model, pks)
        except Exception:  # noqa: BLE001 (a failure here must not turn a saved change into an error page)
            logger.exception("The search index could not be updated for %s %s", model._meta.label, sorted(pks))


def _changed(sender, instance, using=None, **kwargs):
    # loaddata's raw saves too: the documents are built on commit, from the
    # rows as they are then, so the pages a fixture restores are all there.
    relation = forms_relation()
    if relation is not None and sender is relation.related_model:
        model, pk = Therapy, getattr(instance, relation.field.attname)  # a form is part of its therapy's page
    else:
        model, pk = _concrete(sender), instance.pk
    _pending(using).setdefault(model, set()).add(pk)
    transactions.once_on_commit(_flush_callback(using), using)


_CALLBACKS = {}


def _flush_callback(using):
    """One callable per database, so `once_on_commit` can tell it is already registered."""
    using = using or "default"
    if using not in _CALLBACKS:
        _CALLBACKS[using] = lambda: _flush(using)
    return _CALLBACKS[using]


def indexed_models():
    """The indexed models with their proxies (a proxy's save names the proxy as sender)."""
    from django.apps import apps

    return [model for model in apps.get_models() if _concrete(model) in SOURCES]


def connect_signals():
    relation = forms_relation()
    for model in [*indexed_models(), *([relation.related_model] if relation is not None else [])]:
        signals.post_save.connect(_changed, sender=model, dispatch_uid=f"search_index_saved_{model._meta.label}")
        signals.post_delete.connect(_changed, sender=model, dispatch_uid=f"search_index_deleted_{model._meta.label}")
