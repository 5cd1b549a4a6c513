"""Issue 18, point 3: the emerging therapies as they stood in December 2026.

The BTK inhibitors say what happened to each (tolebrutinib refused in the US,
evobrutinib stopped, fenebrutinib's Phase 3 results, remibrutinib approved
for hives only) with the FENhance numbers the right way round; frexalimab and
CAR-T cell therapy are research in trials; every trial is a link to its
registry entry; each emerging page is due for review within 6 months; and no
public page of the demo content tells readers its review is overdue.

The last check reads the site's own clock: the launch pages outside the
December 2026 update (supportive care, the article, the site texts) were
reviewed on 15 January 2026 and fall due a year later. If it fails with no
change to the code, the demo content itself is due for its review."""

import re
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from editorial.models import add_months
from tests.page_helpers import Page
from therapies.models import Category, Therapy
from therapies.queries import published_therapies

pytestmark = pytest.mark.django_db

REVIEW_DUE = "due for its regular check"  # editorial/includes/review_dates.html
STAGES = {
    "tolebrutinib": Therapy.Stage.NOT_APPROVED,
    "evobrutinib": Therapy.Stage.DISCONTINUED,
    "fenebrutinib": Therapy.Stage.PHASE_3,
    "remibrutinib": Therapy.Stage.PHASE_3,
    "frexalimab": Therapy.Stage.PHASE_3,
    "car-t-cell-therapy": Therapy.Stage.PHASE_1,
}


def registry(nct):
    return f"https://clinicaltrials.gov/study/{nct}"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response)


def sources(p):
    """{title: [addresses]} of the page's numbered reference list."""
    listed = p.html.split('id="references-heading"', 1)[1].split("</section>", 1)[0]
    return {
        re.sub(r"<[^>]+>", "", item).split(".")[0].strip(): re.findall(r'href="([^"]+)"', item)
        for item in re.findall(r"<li[^>]*>(.*?)</li>", listed, flags=re.S)
    }


def test_the_fenhance_trials_carry_their_own_numbers(demo_content, client):
    cited = sources(page(client, "/therapies/fenebrutinib/"))
    assert registry("NCT04586010") in cited["FENhance 1 trial"]
    assert registry("NCT04586023") in cited["FENhance 2 trial"]
    text = page(client, "/categories/btk-inhibitors/").text
    assert "51% fewer in FENhance 1 (NCT04586010, March 2026)" in text
    assert "59% fewer relapses a year in FENhance 2 (NCT04586023, November 2025)" in text
    body = Therapy.objects.get(slug="fenebrutinib").body
    assert "FENhance 2 reported first, in November 2025" in body and "FENhance 1 reported on 2 March 2026" in body


def test_each_agent_shows_where_it_stands(demo_content, client):
    for slug, stage in STAGES.items():
        therapy = Therapy.objects.get(slug=slug)
        assert therapy.development_stage == stage, slug
        assert therapy.get_development_stage_display() in page(client, f"/therapies/{slug}/").text, slug
    tolebrutinib = page(client, "/therapies/tolebrutinib/").text
    for fact in ("complete response letter", "one death", "United Arab Emirates", "still open in 2026", "PERSEUS"):
        assert fact in tolebrutinib, fact
    fenebrutinib = page(client, "/therapies/fenebrutinib/").text
    assert "not approved anywhere" in fenebrutinib and "more people died" in fenebrutinib
    remibrutinib = page(client, "/therapies/remibrutinib/").text
    assert "Rhapsido" in remibrutinib and "not for MS" in remibrutinib
    emerging = page(client, "/emerging/").text
    assert "frexalimab: Phase 3 trial" in emerging and "CAR-T cell therapy: Phase 1 trial" in emerging


def test_frexalimab_and_car_t_are_research_in_trials_beside_the_btk_inhibitors(demo_content, client):
    section = Category.objects.get(slug="other-treatments-in-trials")
    assert section.kind == Category.Kind.EMERGING and section.is_live
    text = page(client, "/categories/other-treatments-in-trials/").text
    assert "CD40L" in text and "FREXALT" in text and "FREVIVA" in text and "KYV-101" in text
    assert registry("NCT06451159") in page(client, "/categories/other-treatments-in-trials/").links()
    assert "Sanofi" in page(client, "/therapies/frexalimab/").text


def test_every_emerging_medicine_cites_its_trials_by_registry_number(demo_content, client):
    for therapy in published_therapies().filter(category__kind=Category.Kind.EMERGING):
        if not therapy.is_medicine:
            continue  # aHSCT: a procedure, compared with medicines in trials named on its page
        trials = [reference for reference in therapy.references.all() if "trial" in reference.title.lower()]
        assert trials, therapy.slug
        listed = sources(page(client, therapy.get_absolute_url()))
        for trial in trials:
            if not trial.nct_id:
                # The brief names the trial but gives no number (frexalimab's
                # FREXALT and FREVIVA): the link searches the registry for it.
                assert trial.url.startswith("https://clinicaltrials.gov/search?term="), f"{therapy.slug}: {trial.title}"
                continue
            assert registry(trial.nct_id) in listed[trial.title], f"{therapy.slug}: {trial.title}"
            assert f"ClinicalTrials.gov {trial.nct_id}" in page(client, therapy.get_absolute_url()).text


def test_every_emerging_page_is_due_for_review_within_six_months(demo_content):
    today = timezone.localdate()
    emerging = [
        *Category.objects.live().filter(kind=Category.Kind.EMERGING),
        *published_therapies().filter(category__kind=Category.Kind.EMERGING),
    ]
    assert len(emerging) >= 11
    for item in emerging:
        assert today <= item.next_review_due <= add_months(today, 6), item


def test_no_public_page_of_the_demo_content_says_its_review_is_overdue(demo_content, client):
    sitemap = client.get("/sitemap.xml").content.decode()
    urls = [urlparse(url).path for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    assert len(urls) >= 30  # every live therapy, group and section, the article and the site pages
    overdue = [url for url in urls if REVIEW_DUE in page(client, url).text]
    assert overdue == []
