"""Sources cited by articles and therapy pages, as a numbered list at the end."""

import datetime
import re

import pytest

from editorial.models import Reference
from tests.page_helpers import page


def reference_items(p):
    html = p.html.split('<ol class="reference-list', 1)[1].split("</ol>", 1)[0]
    # Each item carries its anchor (id="ref-N"), the target of the fact sheet's citations.
    return [" ".join(item.split("</li>", 1)[0].split()) for item in re.split(r"<li[^>]*>", html)[1:]]


def test_article_references_are_numbered_in_the_editors_order(client, make_article):
    article = make_article()
    Reference.objects.create(cited_by=article, position=2, title="Second source", publisher="Publisher B")
    Reference.objects.create(cited_by=article, position=1, title="First source", publisher="Publisher A",
        url="https://example.org/first", accessed_on=datetime.date(2026, 2, 3),
    )
    Reference.objects.create(cited_by=article, position=3, title="Third source")

    p = page(client.get(article.get_absolute_url()))

    assert "References" in p.text
    items = reference_items(p)
    assert len(items) == 3
    assert ["First source" in items[0], "Second source" in items[1], "Third source" in items[2]] == [True] * 3
    assert p.find_all("a", href="https://example.org/first")[0]["rel"] == "noopener"
    assert "First source. Publisher A, accessed 3 February 2026." in p.text
    assert "Second source. Publisher B." in p.text
    assert p.text.index("References") > p.text.index(article.body)


def test_therapy_references(client, make_therapy):
    therapy = make_therapy()
    Reference.objects.create(cited_by=therapy, position=1, title="Prescribing information", publisher="A maker",
                             url="https://example.org/pi")

    p = page(client.get(therapy.get_absolute_url()))

    assert reference_items(p) == ['<a href="https://example.org/pi" rel="noopener">Prescribing information</a>. A maker.']
    assert "Prescribing information. A maker." in p.text


def test_references_of_another_page_are_not_shown(client, make_therapy, make_article):
    therapy, other = make_therapy(), make_therapy()
    article = make_article()
    Reference.objects.create(cited_by=other, title="Other therapy's source")
    Reference.objects.create(cited_by=article, title="Article's source")

    text = page(client.get(therapy.get_absolute_url())).text

    assert "Other therapy's source" not in text and "Article's source" not in text and "References" not in text


def test_a_reference_address_that_is_not_a_web_address_is_not_linked(client, make_article):
    article = make_article()
    Reference.objects.create(cited_by=article, title="Sneaky", url="javascript:alert(1)")

    p = page(client.get(article.get_absolute_url()))

    assert "Sneaky" in p.text and "javascript:" not in p.html


def test_identifiers_become_links_a_reader_can_follow(client, make_therapy):
    therapy = make_therapy()
    Reference.objects.create(
        cited_by=therapy, position=1, title="ASCLEPIOS I", publisher="Novartis", nct_id="NCT02792218", pmid="32865845"
    )
    Reference.objects.create(
        cited_by=therapy, position=2, title="Ocrevus Zunovo label", dailymed_setid="b216af61-99d0-42a3-afc2-b5bf86df1ec0"
    )
    Reference.objects.create(cited_by=therapy, position=3, title="A review", doi="10.1007/s13311-017-0566-3")

    items = reference_items(page(client.get(therapy.get_absolute_url())))

    assert items[0] == (
        '<a href="https://clinicaltrials.gov/study/NCT02792218" rel="noopener">ASCLEPIOS I</a>. Novartis. '
        '<a class="reference-link" href="https://clinicaltrials.gov/study/NCT02792218" rel="noopener">ClinicalTrials.gov NCT02792218</a> '
        '<a class="reference-link" href="https://pubmed.ncbi.nlm.nih.gov/32865845/" rel="noopener">PubMed 32865845</a>'
    )
    assert 'href="https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid=b216af61-99d0-42a3-afc2-b5bf86df1ec0"' in items[1]
    assert ">DailyMed label</a>" in items[1]
    assert '<a href="https://doi.org/10.1007/s13311-017-0566-3" rel="noopener">A review</a>' in items[2]


@pytest.mark.parametrize(
    "field, value",
    [("nct_id", "NCT123"), ("nct_id", "NCT0279221X"), ("doi", "not-a-doi"), ("pmid", "0123"), ("dailymed_setid", "xyz")],
)
def test_a_malformed_identifier_is_refused_by_the_form_and_the_database(make_therapy, field, value):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    therapy = make_therapy()
    reference = Reference(cited_by=therapy, title="A source", **{field: value})
    with pytest.raises(ValidationError) as refused:
        reference.full_clean()
    assert field in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.create(cited_by=therapy, title="A source", **{field: value})


def test_identifiers_pasted_as_links_or_in_other_case_are_kept_as_identifiers(make_therapy):
    reference = Reference(
        cited_by=make_therapy(),
        title="A source",
        doi="https://doi.org/10.1056/NEJMoa1901981",
        nct_id=" nct02792218 ",
        dailymed_setid="B216AF61-99D0-42A3-AFC2-B5BF86DF1EC0",
    )
    reference.full_clean()
    assert (reference.doi, reference.nct_id) == ("10.1056/NEJMoa1901981", "NCT02792218")
    assert reference.dailymed_setid == "b216af61-99d0-42a3-afc2-b5bf86df1ec0"
    assert reference.identifier_values == {
        "nct_id": "NCT02792218",
        "doi": "10.1056/NEJMoa1901981",
        "dailymed_setid": "b216af61-99d0-42a3-afc2-b5bf86df1ec0",
    }


def reference_form(therapy, identifiers, instance=None):
    from django.contrib.contenttypes.models import ContentType

    from editorial.admin.references import ReferenceForm

    form_class = type("ReferenceForm", (ReferenceForm,), {"blocks": [], "Meta": type("Meta", (), {"model": Reference, "fields": ["title", "identifiers"]})})
    instance = instance or Reference(content_type=ContentType.objects.get_for_model(therapy), object_id=therapy.pk)
    return form_class({"title": "A trial", "identifiers": identifiers}, instance=instance)


def test_an_editor_pastes_identifiers_as_numbers_or_links_into_one_box(make_therapy):
    therapy = make_therapy()
    form = reference_form(
        therapy,
        "https://clinicaltrials.gov/study/NCT02792218, PMID: 32865845 https://doi.org/10.1056/NEJMoa1901981 "
        "https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid=B216AF61-99D0-42A3-AFC2-B5BF86DF1EC0",
    )
    assert form.is_valid(), form.errors
    reference = form.save()

    assert (reference.nct_id, reference.pmid, reference.doi) == ("NCT02792218", "32865845", "10.1056/NEJMoa1901981")
    assert reference.dailymed_setid == "b216af61-99d0-42a3-afc2-b5bf86df1ec0"
    # Shown again the way it is stored, so saving unchanged changes nothing.
    again = reference_form(therapy, "", instance=reference)
    assert again.initial["identifiers"] == (
        "NCT02792218 doi:10.1056/NEJMoa1901981 PMID:32865845 setid:b216af61-99d0-42a3-afc2-b5bf86df1ec0"
    )


@pytest.mark.parametrize(
    "typed, message",
    [
        ("NCT123", "“NCT123” is not a trial number, DOI, PubMed ID or DailyMed set ID."),
        ("https://example.org/paper", "is not a trial number, DOI, PubMed ID or DailyMed set ID"),
        ("NCT02792218 NCT02792231", "Two different values for the trial registry number (NCT): give one."),
    ],
)
def test_a_wrong_identifier_gets_a_message_and_nothing_is_saved(make_therapy, typed, message):
    form = reference_form(make_therapy(), typed)

    assert not form.is_valid()
    assert message in " ".join(form.errors["identifiers"])
    assert not Reference.objects.exists()
