"""The plain-language checks as pure functions over an editor's Markdown."""

from editorial import readability

LONG_WINDED = (
    "Notwithstanding the considerable heterogeneity of immunomodulatory interventions, "
    "comprehensive longitudinal evaluation demonstrates substantially diminished "
    "inflammatory demyelinating activity, particularly regarding gadolinium-enhancing "
    "abnormalities identified radiologically throughout subsequent observational intervals."
)
PLAIN = "MS can change over time. Some medicines slow it down. Ask your care team what fits you."


def test_a_long_winded_text_reads_above_grade_8_and_its_longest_sentence_is_shown():
    found = readability.check(f"{PLAIN}\n\n{LONG_WINDED}")
    assert found.grade > readability.TARGET_GRADE and found.grade_too_high
    assert found.longest_sentences[0].text == LONG_WINDED
    assert found.longest_sentences[0].too_long


def test_a_plain_text_reads_at_grade_8_or_below():
    found = readability.check(PLAIN)
    assert found.grade <= readability.TARGET_GRADE
    assert found.problem_count == 0


def test_a_heading_without_a_full_stop_is_a_sentence_of_its_own():
    found = readability.check("## What it costs\n\nPrices vary.")
    assert [s.text for s in found.longest_sentences] == ["What it costs", "Prices vary."]


def test_link_text_that_says_nothing_out_of_context_is_flagged():
    text = "For prices [click here](https://a.example). See [the label](https://b.example) or [Read more…](/x)."
    assert readability.check(text).vague_links == ["click here", "Read more…"]


def test_a_bare_address_as_link_text_is_flagged():
    assert readability.check("<https://example.org/x>").vague_links == ["https://example.org/x"]


def test_a_heading_that_jumps_a_level_is_flagged():
    problems = readability.check("## Costs\n\nText.\n\n#### Details\n\nMore.").heading_problems
    assert len(problems) == 1 and "from ## to ####" in problems[0]


def test_headings_in_order_are_not_flagged_and_a_top_level_heading_is():
    assert readability.check("## A\n\n### B\n\n## C").heading_problems == []
    assert "page title" in readability.check("# Title again").heading_problems[0]


def test_glossary_terms_the_text_uses_are_listed_with_their_plain_meaning_in_reading_order():
    glossary = [("lymphocyte", "a kind of white blood cell"), ("myelin", "the coating around nerve fibres"), ("relapse", "x")]
    found = readability.check("Myelin is damaged when LYMPHOCYTES attack it.", glossary).glossary
    assert [(m.term, m.plain_meaning) for m in found] == [
        ("myelin", "the coating around nerve fibres"),
        ("lymphocyte", "a kind of white blood cell"),
    ]


def test_a_term_inside_another_word_is_not_a_match():
    assert readability.check("Remyelination is studied.", [("myelin", "m")]).glossary == []


def test_images_without_alt_text_are_counted():
    assert readability.check("![](a.png) and ![A diagram](b.png)").images_without_alt == 1


def test_a_library_image_without_alt_text_at_the_point_of_use_uses_the_librarys_and_is_fine():
    assert readability.check("![](image:3)\n\n![The needle enters the thigh](image:4)").images_without_alt == 0


def test_alt_text_that_says_nothing_is_counted():
    assert readability.check("![image](image:3) ![scan-2.PNG](image:4) ![Diagram.](image:5)").images_without_alt == 3


def test_an_empty_text_has_no_grade_and_no_problems():
    found = readability.check("")
    assert found.grade is None and found.problem_count == 0 and found.words == 0
