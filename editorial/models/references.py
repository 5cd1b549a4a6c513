"""The sources a page cites, numbered for readers.

A source is recorded by its identifiers where it has them: a trial's
registry number, an article's DOI or PubMed ID, a medicine label's DailyMed
set ID. The reader's link is built from the identifier, so it cannot drift
from it, and later work can look each identifier up (has the trial reported,
has the label changed) because it is stored as data, not as text inside a
citation. A plain address is for a source with none of these."""

import re

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.trials import REGISTRY_LINK

NCT_PATTERN = r"^NCT[0-9]{8}$"
DOI_PATTERN = r"^10\.[0-9]{4,9}/\S+$"
PMID_PATTERN = r"^[1-9][0-9]{0,8}$"
SETID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class Identifier:
    """One kind of identifier: the field that holds it, how a reader's link is
    built from it and how it is named beside the link."""

    def __init__(self, field, label, link, pattern, example, *, shows_value=True):
        self.field, self.label, self.link_format, self.pattern, self.example = field, label, link, pattern, example
        self.shows_value = shows_value

    def link(self, value):
        return self.link_format.format(value)

    def text(self, value):
        """What the link says: the registry and the number a reader can quote
        ("ClinicalTrials.gov NCT02792218"); a label's set ID is not for reading."""
        return f"{self.label} {value}" if self.shows_value else self.label


IDENTIFIERS = [
    Identifier("nct_id", "ClinicalTrials.gov", REGISTRY_LINK, NCT_PATTERN, "NCT02792218"),
    Identifier("doi", "DOI", "https://doi.org/{}", DOI_PATTERN, "10.1056/NEJMoa1901981"),
    Identifier("pmid", "PubMed", "https://pubmed.ncbi.nlm.nih.gov/{}/", PMID_PATTERN, "32865845"),
    Identifier(
        "dailymed_setid",
        "DailyMed label",
        "https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={}",
        SETID_PATTERN,
        "b216af61-99d0-42a3-afc2-b5bf86df1ec0",
        shows_value=False,
    ),
]


_LINK_FORMS = [
    (re.compile(r"^https?://(?:www\.)?clinicaltrials\.gov/(?:study|ct2/show)/(NCT[0-9]{8})", re.I), "nct_id"),
    (re.compile(r"^https?://(?:dx\.)?doi\.org/(10\..+)$", re.I), "doi"),
    (re.compile(r"^https?://pubmed\.ncbi\.nlm\.nih\.gov/([0-9]+)/?$", re.I), "pmid"),
    (re.compile(r"setid=([0-9a-f-]{36})", re.I), "dailymed_setid"),
]
_LABELLED = {"doi:": "doi", "pmid:": "pmid", "setid:": "dailymed_setid", "nct:": "nct_id"}


def parse_identifier(token):
    """(field, value) for one identifier as an editor might paste it (a
    number, a labelled number such as "PMID:32865845" or "doi:10.1056/...",
    or a link to it), or None when it is none of them."""
    token = token.strip().strip(".")
    for pattern, field in _LINK_FORMS:
        if match := pattern.search(token):
            token = match.group(1)
            break
    else:
        for prefix, field in _LABELLED.items():
            if token.lower().startswith(prefix):
                token = token[len(prefix) :]
                break
    candidates = [
        ("nct_id", token.upper(), NCT_PATTERN),
        ("doi", token, DOI_PATTERN),
        ("pmid", token, PMID_PATTERN),
        ("dailymed_setid", token.lower(), SETID_PATTERN),
    ]
    for field, value, pattern in candidates:
        if re.fullmatch(pattern.strip("^$"), value):
            return field, value
    return None


def _identifier_field(identifier, verbose_name, max_length, help_text):
    return models.CharField(
        verbose_name,
        max_length=max_length,
        blank=True,
        validators=[RegexValidator(identifier, f"Write it as in this example: {help_text}.")],
        help_text=f"e.g. {help_text}",
    )


class Reference(models.Model):
    """A source that a page (an article, a therapy, any reviewed content) cites,
    shown to readers as a numbered reference list. The page is found through
    its content type, so the editorial engine needs to know no content app."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    cited_by = GenericForeignKey("content_type", "object_id")
    position = models.PositiveSmallIntegerField(default=0, help_text="References are numbered in this order.")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    nct_id = _identifier_field(NCT_PATTERN, "trial registry number (NCT)", 11, "NCT02792218")
    doi = _identifier_field(DOI_PATTERN, "DOI", 200, "10.1056/NEJMoa1901981 (without https://doi.org/)")
    pmid = _identifier_field(PMID_PATTERN, "PubMed ID", 9, "32865845")
    dailymed_setid = _identifier_field(
        SETID_PATTERN, "DailyMed label set ID", 36, "b216af61-99d0-42a3-afc2-b5bf86df1ec0"
    )
    url = models.URLField(
        "address", max_length=500, blank=True, help_text="For a source with none of the identifiers above."
    )
    accessed_on = models.DateField("date accessed", null=True, blank=True)
    # Which parts of the page the source backs, as the codes of the citing
    # model's CITATION_BLOCKS ((code, heading) pairs), comma-separated. The
    # content model names its parts, so the engine needs to know none of them.
    supports = models.CharField(
        max_length=200,
        blank=True,
        help_text="The parts of the page this source backs: each shows it as a numbered citation.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "position"], name="reference_cited_by_position")]
        constraints = [
            models.CheckConstraint(condition=Q(nct_id="") | Q(nct_id__regex=NCT_PATTERN), name="reference_nct_id_form"),
            models.CheckConstraint(condition=Q(doi="") | Q(doi__regex=DOI_PATTERN), name="reference_doi_form"),
            models.CheckConstraint(condition=Q(pmid="") | Q(pmid__regex=PMID_PATTERN), name="reference_pmid_form"),
            models.CheckConstraint(
                condition=Q(dailymed_setid="") | Q(dailymed_setid__regex=SETID_PATTERN),
                name="reference_dailymed_setid_form",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def links(self):
        """[(text, address)] for the reader: one per identifier recorded, in
        IDENTIFIERS' order, then the plain address (http(s) only) unless an
        identifier's link already goes there (a trial's registry page recorded
        both ways is one link, not two)."""
        found = [
            (kind.text(value), kind.link(value))
            for kind in IDENTIFIERS
            if (value := getattr(self, kind.field))
        ]
        url = str(self.url or "").strip()
        if url.lower().startswith(("https://", "http://")) and url not in {address for _text, address in found}:
            found.append(("Web page", self.url))
        return found

    @property
    def listed_links(self):
        """The links written out after the citation: every identifier, so its
        number shows, and the plain address only beside identifiers (alone,
        the title already links to it)."""
        links = self.links
        return links if self.identifier_values else []

    @property
    def link(self):
        """The address the reference's title links to: its first identifier's, else its own."""
        links = self.links
        return links[0][1] if links else ""

    @property
    def identifier_values(self):
        """{field: value} of the identifiers recorded: what a watch looks up."""
        return {kind.field: getattr(self, kind.field) for kind in IDENTIFIERS if getattr(self, kind.field)}

    @staticmethod
    def blocks_of(model):
        """The (code, heading) pairs a page of `model` can cite a source for."""
        return list(getattr(model, "CITATION_BLOCKS", ()) or ())

    @property
    def supported_blocks(self):
        return [code.strip() for code in self.supports.split(",") if code.strip()]

    def clean_fields(self, exclude=None):
        # Before the format checks: an identifier pasted as a link, or in
        # other capitals, is kept as the identifier.
        self.doi = self.doi.strip()
        for prefix in ("https://doi.org/", "http://doi.org/", "doi:"):
            if self.doi.lower().startswith(prefix):
                self.doi = self.doi[len(prefix) :]
        self.nct_id = self.nct_id.strip().upper()
        self.pmid = self.pmid.strip()
        self.dailymed_setid = self.dailymed_setid.strip().lower()
        super().clean_fields(exclude)

    def clean(self):
        super().clean()
        if not self.supports or self.content_type_id is None:
            return
        model = self.content_type.model_class()
        known = dict(self.blocks_of(model))
        unknown = [code for code in self.supported_blocks if code not in known]
        if unknown:
            raise ValidationError(
                {
                    "supports": f"Not a part of this page: {', '.join(unknown)}. "
                    + (f"Choose from: {', '.join(known)}." if known else "This page has no parts to cite for.")
                }
            )
