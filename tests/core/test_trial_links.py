"""Trial registry numbers on a page are links to the trial's record."""

from django.template import Context, Template

from core.markup import render_markdown
from core.trials import link_numbers_in_html

REGISTRY = "https://clinicaltrials.gov/study/"


def test_a_bare_number_in_markdown_becomes_a_link_and_a_written_link_is_kept():
    html = str(
        render_markdown(
            "HERCULES (NCT04411641) met its goal. See [GEMINI 1 (NCT04410978)](https://clinicaltrials.gov/study/NCT04410978)."
        )
    )

    assert f'<a href="{REGISTRY}NCT04411641" rel="noopener noreferrer">NCT04411641</a>' in html
    # Inside a link the editor wrote, the number is left as it is: no link in a link.
    assert html.count("<a ") == 2
    assert f'<a href="{REGISTRY}NCT04410978" rel="noopener noreferrer">GEMINI 1 (NCT04410978)</a>' in html


def test_numbers_in_attributes_and_look_alikes_are_left_alone():
    html = '<p title="NCT04411641">xNCT044116412 and NCT0441164</p>'
    assert link_numbers_in_html(html) == html


def test_plain_fact_sheet_text_is_escaped_and_its_numbers_linked():
    rendered = Template("{% load markdown %}{{ text|paragraphs_with_trial_links }}|{{ text|with_trial_links }}").render(
        Context({"text": "Half as many relapses <b>(ASCLEPIOS I, NCT02792218)</b>"})
    )

    assert "&lt;b&gt;" in rendered and "<b>" not in rendered
    assert rendered.count(f'<a href="{REGISTRY}NCT02792218" rel="noopener noreferrer">NCT02792218</a>') == 2
    assert rendered.startswith("<p>")
