"""The site's own texts and what readers tell us about its pages.

A site text (SitePage) is medical content all the same: the home page's
"What is MS?", the introductions of the emerging therapies and supportive
care pages, the pages a trustworthy health site has (about us, editorial
policy, accessibility, contact) and the crisis lines, each edited in the
admin and reviewed like every page. A problem report (Feedback) is what a
reader sends from "Report a problem with this page"."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.markup import MARKDOWN_HELP, reject_images
from editorial.models import ReviewedContent


class SitePage(ReviewedContent):
    """A piece of site text that is not an article but is medical content all
    the same, such as the home page's "What is MS?": edited in the admin and
    reviewed like every page, instead of being written into a template."""

    class Key(models.TextChoices):
        HOME_INTRODUCTION = "home", "Home page: “What is MS?”"
        EMERGING_INTRODUCTION = "emerging", "Emerging therapies page: introduction"
        CARE_INTRODUCTION = "care", "Supportive care page: introduction"
        # The pages a trustworthy health site has, each a page of its own.
        ABOUT = "about", "About us (its own page)"
        EDITORIAL_POLICY = "editorial-policy", "Editorial policy (its own page)"
        ACCESSIBILITY = "accessibility", "Accessibility statement (its own page)"
        CONTACT = "contact", "Contact us (its own page)"
        # Shown with the mental health support section, on the supportive care
        # page and on that section's own page.
        CRISIS_SUPPORT = "crisis", "Mental health support: crisis lines and helplines"
        # The decision aid (/decide/, issue 22): its introduction, then each
        # question (the title) with its one line on why it matters (the body).
        # The answers a reader picks from are fixed in pages/decision_aid.py:
        # the aid matches them against the medicines' structured values.
        DECIDE_INTRODUCTION = "decide", "Decision aid: introduction"
        DECIDE_MS_TYPE = "decide-ms-type", "Decision aid question: MS type"
        DECIDE_WAY = "decide-way", "Decision aid question: how to take a medicine"
        DECIDE_OFTEN = "decide-often", "Decision aid question: how often"
        DECIDE_TESTS = "decide-tests", "Decision aid question: blood tests a year"
        DECIDE_VISITS = "decide-visits", "Decision aid question: clinic visits a year"
        DECIDE_PREGNANCY = "decide-pregnancy", "Decision aid question: pregnancy"
        DECIDE_WEIGHING = "decide-weighing", "Decision aid question: effect against risks"
        DECIDE_COST = "decide-cost", "Decision aid question: cost"

    # The public page each text appears on.
    URL_NAMES = {
        Key.HOME_INTRODUCTION: "pages:home",
        Key.EMERGING_INTRODUCTION: "pages:emerging",
        Key.CARE_INTRODUCTION: "pages:care",
        Key.ABOUT: "pages:about",
        Key.EDITORIAL_POLICY: "pages:editorial_policy",
        Key.ACCESSIBILITY: "pages:accessibility",
        Key.CONTACT: "pages:contact",
        Key.CRISIS_SUPPORT: "pages:care",
        **{key: "pages:decide" for key in Key.values if key.startswith("decide")},
    }
    # The decision aid's questions: parts of its page, never pages of their own
    # (search indexes the aid once, by its introduction).
    DECISION_AID_QUESTIONS = tuple(key for key in Key if key.startswith("decide-"))
    # The texts that are whole pages (not part of another page), in the order
    # the footer lists them.
    OWN_PAGES = (Key.ABOUT, Key.EDITORIAL_POLICY, Key.ACCESSIBILITY, Key.CONTACT)

    key = models.CharField(
        "where it appears",
        max_length=20,
        choices=Key.choices,
        unique=True,
        error_messages={"unique": "There is already a text for this place: edit that one instead."},
    )
    title = models.CharField(
        max_length=200,
        help_text="The heading above the text: on the home page the section's heading, "
        "on the emerging therapies and supportive care pages and on the site's own pages "
        "(about us, editorial policy, accessibility, contact) the page's own heading, "
        "and for the crisis lines the heading of their box.",
    )
    body = models.TextField(help_text=MARKDOWN_HELP, validators=[reject_images])

    history = HistoricalRecords()

    class Meta(ReviewedContent.Meta):
        verbose_name = "site text"
        verbose_name_plural = "site texts"
        ordering = ["key"]
        permissions = [("publish_sitepage", "Can approve, publish and unpublish site texts")]
        constraints = [
            *ReviewedContent.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(
                    key__in=[
                        "home", "emerging", "care", "about", "editorial-policy", "accessibility", "contact", "crisis",
                        "decide", "decide-ms-type", "decide-way", "decide-often", "decide-tests", "decide-visits",
                        "decide-pregnancy", "decide-weighing", "decide-cost",
                    ]
                ),
                name="site_page_key_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_key_display()}: {self.title}" if self.key else self.title

    def get_absolute_url(self):
        return reverse(self.URL_NAMES[self.key])


class Feedback(models.Model):
    """A reader's report of a problem with a page ("Report a problem with this
    page" in every page's footer). Readers never see these rows, so saving one
    must not empty the page cache (core/cache.py skips models that say
    `readers_never_see`). No IP address is stored: the rate limit keeps only a
    keyed hash of it in the cache, for an hour (pages/feedback.py)."""

    # editorial.changes.reader_visible_models() leaves this model out.
    readers_never_see = True

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    PAGE_MAX_LENGTH = 500
    MESSAGE_MAX_LENGTH = 2000

    page = models.CharField(
        "page address",
        max_length=PAGE_MAX_LENGTH,
        help_text="The address on this site the reader reported, e.g. /therapies/fingolimod/.",
    )
    message = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    email = models.EmailField("reader's email", blank=True, help_text="Only if the reader wants an answer.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField("received", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "reader's problem report"
        verbose_name_plural = "readers' problem reports"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="feedback_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "in_progress", "done"]), name="feedback_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.page}: {self.message[:60]}"
