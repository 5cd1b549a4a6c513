"""Which links an editor's Markdown may carry to readers."""

from tests.page_helpers import page


def test_a_helpline_number_can_be_a_tap_to_call_link(client, make_therapy):
    therapy = make_therapy(body="Call the Samaritans on [116 123](tel:116123) at any time.")
    p = page(client.get(therapy.get_absolute_url()))
    assert p.find_all("a", href="tel:116123")
    assert '<a href="tel:116123" rel="noopener noreferrer">116 123</a>' in p.html


def test_links_to_other_schemes_are_dropped_but_their_text_stays(client, make_therapy):
    therapy = make_therapy(body="[Open this](data:text/html,hello) and [that](file:///etc/passwd).")
    response = client.get(therapy.get_absolute_url())
    html = response.content.decode()
    assert "data:text/html" not in html and "file:///" not in html
    assert "Open this" in html and "that" in html
