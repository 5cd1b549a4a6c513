"""Demo content for the pages a trustworthy health site has (about us,
editorial policy, accessibility statement, contact us) and the crisis lines
shown with mental health support. Loaded by `manage.py load_demo_content`
(`load_trust_pages`), by the same rule as the rest: a text is created only
when its key is missing, approved by the demo medical reviewer, and never
overwritten, so an editor's later changes stay.

Where a text states something about the organisation that runs the site (its
name, address, funding, conflicts of interest), the demo says plainly that
the editors must fill it in before launch: nothing here invents a name, an
address, a telephone number of our own, a funding source or a credential.
The crisis lines and helplines are the ones in the content brief."""

from pages.models import SitePage
from therapies import demo_content as demo

BEFORE_LAUNCH = "**Demo text: the editors must complete this before the site launches.**"

ABOUT = f"""\
This site explains multiple sclerosis (MS) treatment in plain words: the medicines that change the course of MS, \
new treatments that are still being tested, the care that helps alongside medicines, and what the medicines cost.

It is for people with MS, their families and friends, and anyone helping them make choices with their care team. \
It gives information, not medical advice: please talk to your neurologist, doctor or MS nurse about your own treatment.

## Who runs this site

{BEFORE_LAUNCH} Say here who runs the site, where they are based, how to reach them and who pays for the site. \
This demo leaves them out on purpose, because we will not make them up. A public site must not go live without them.

## How we work

Every page is written by our editors and checked by a medical reviewer before readers see it. Each page says when \
it was last reviewed, when its next review is due and who approved it. Our [editorial policy](/editorial-policy/) \
explains how pages are written, checked and dated, and where the prices come from.

## Tell us what you think

If something on a page is wrong, unclear or missing, use “Report a problem with this page” at the bottom of every \
page. Other ways to reach us are on the [contact page](/contact/).
"""

EDITORIAL_POLICY = f"""\
## How pages are written

- Our editors write every page from published sources: the medicines' official product information, the results \
of clinical trials, and guidance from health services and MS charities.
- Each medical fact comes with a reference to its source, listed at the end of the page, so you can check it.
- We write in plain words and explain any medical term we need to use.
- Pages describe treatments in general. They never tell you what to do about your own treatment.

## How pages are checked

- A medical reviewer checks every new page, and every change to a page, before readers see it.
- While a change waits for that check, readers keep seeing the version that was last approved.
- The name of the reviewer who approved a page is shown at the bottom of the page (“Reviewed by”).

## How pages are dated

- Every page shows the date it was last reviewed and the date its next review is due.
- Pages are reviewed at least once a year. Pages whose facts change quickly, such as those about treatments still \
in trials, are reviewed more often.
- If a review is late, the page says so, so you know to check the facts elsewhere too.

## Where prices come from

- The prices are **US list prices**: the price a year of treatment has before insurance, rebates or help from \
assistance programmes (the “wholesale acquisition cost”). What a person actually pays is different.
- In the UK and most of Europe, the national health service provides these medicines without a charge for each \
medicine.
- Every price shows the date it applies to (“as of”) and its source. The price history of each medicine comes from \
two published studies: [Hartung, Neurotherapeutics 2017]({demo.HARTUNG_2017["source_url"]}) (prices as of \
June 2017) and [Therapeutic Advances in Neurological Disorders 2021]({demo.TAND_2020["source_url"]}) (prices as of \
January 2020).
- A price more than a year old is marked as possibly out of date.
- Prices are estimates, not quotes. They can change. Please check them yourself before making any decision about \
money.

## Funding and conflicts of interest

{BEFORE_LAUNCH} Say here who pays for this site; whether it takes money, gifts or advertising from companies that \
make or sell MS medicines; and how our writers and medical reviewers declare their own interests, and where those \
declarations are published. This demo states none of these, because we will not make them up. Until this section \
is complete, the site must not launch.

## Corrections

If you find a mistake, please use “Report a problem with this page” at the bottom of the page. Our editors read \
every report. A correction is checked by a medical reviewer, like any other change, before it appears.
"""

ACCESSIBILITY = f"""\
We want everyone to be able to use this site, including people who use a keyboard instead of a mouse, a screen \
reader, a magnifier or voice control, and people for whom MS affects sight, movement, energy or concentration.

## What we do

- Pages are written in plain words, with headings that make them easy to scan.
- Everything works with a keyboard, and you can always see where you are on the page.
- The site works without JavaScript, and its pages fit a phone screen without scrolling sideways.
- We check the pages with automated accessibility tests whenever the site changes.

We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.

## What we know is not right yet

{BEFORE_LAUNCH} Before launch, the site needs a full accessibility check by people, including people who use \
assistive technology. List here what that check finds that is not fixed yet, and the date of the check and of \
this statement.

## Tell us about a problem

If something on this site is hard to use, please tell us with “Report a problem with this page” at the bottom of \
the page, or see our [contact page](/contact/). Say which page it was and what went wrong.
"""

CONTACT = f"""\
## A problem with a page

To tell us about a mistake, a broken link or something missing, use “Report a problem with this page” at the \
bottom of every page. Our editors read every report.

## Questions about your own treatment

We cannot answer questions about your own health or treatment. Please ask your neurologist, doctor or MS nurse. \
In an emergency, call your local emergency number.

## MS helplines

The MS charities run helplines for people with MS and those close to them:

- National MS Society (US): [1-800-344-4867](https://www.nationalmssociety.org/)
- MS Society (UK): [0808 800 8000](https://www.mssociety.org.uk/)

## Other ways to reach us

{BEFORE_LAUNCH} Add here the organisation's email address and postal address for the editorial team. This demo \
does not give them, because we will not make them up.
"""

CRISIS = """\
If you feel you cannot cope, or you are thinking about suicide, you do not have to wait or manage alone. Talk to \
someone now:

- **In the US:** call or text **988**, the [988 Suicide & Crisis Lifeline](https://988lifeline.org/), at any time.
- **In the UK:** call the [Samaritans](https://www.samaritans.org/) on **116 123**. It is free, at any time.
- If your life, or someone else's, is in danger right now, call your local emergency number.

For support with living with MS, the MS charities' helplines can help too: the \
[National MS Society](https://www.nationalmssociety.org/) (US) on **1-800-344-4867** and the \
[MS Society](https://www.mssociety.org.uk/) (UK) on **0808 800 8000**.
"""

TRUST_PAGES = [
    {"key": SitePage.Key.ABOUT, "title": "About us", "body": ABOUT},
    {"key": SitePage.Key.EDITORIAL_POLICY, "title": "Editorial policy", "body": EDITORIAL_POLICY},
    {"key": SitePage.Key.ACCESSIBILITY, "title": "Accessibility statement", "body": ACCESSIBILITY},
    {"key": SitePage.Key.CONTACT, "title": "Contact us", "body": CONTACT},
    # Telephone numbers and services change: checked twice a year.
    {"key": SitePage.Key.CRISIS_SUPPORT, "title": "Need help now?", "body": CRISIS, "review_interval_months": 6},
]


def load_trust_pages(command):
    """Create the texts above that are missing, approved by the demo reviewer;
    `command` is the running load_demo_content (its get_or_create and reviewer)."""
    for row in TRUST_PAGES:
        command.get_or_create(
            SitePage,
            lookups=[{"key": row["key"]}],
            values={**row, **demo.PUBLISHED, "approved_by": command.reviewer},
            label=f"site text {row['title']!r}",
        )
