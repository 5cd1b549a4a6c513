"""Readers' problem reports: the form, its spam rules and the optional email.

Spam rules, each with a reason:
- a honeypot field people never see (it is hidden by the stylesheet): a form
  that fills it is thanked as usual and nothing is stored, so a robot learns
  nothing;
- at most FEEDBACK_RATE_LIMIT reports an hour from one address, counted in the
  shared cache under a keyed hash of the address (salted_hmac with the site's
  secret key), so no address is ever stored, in the cache or the database;
- length limits, with messages that say how long the text is.

The page address must be a path on this site (it starts with a single "/"),
never another site's address: it is shown to editors as a link."""

import logging
import re
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils.crypto import salted_hmac

from accounts.lockout import client_ip_address
from pages.models import Feedback

logger = logging.getLogger(__name__)

# Reports one address may send in RATE_WINDOW_SECONDS.
FEEDBACK_RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 60 * 60
MESSAGE_MIN_LENGTH = 10

# A path as request.get_full_path() writes it: printable ASCII, no spaces.
_PATH_CHARACTERS = re.compile(r"[!-~]+")

NOT_A_PAGE = "Give the address of a page on this site, starting with a single “/”, such as /therapies/."
RATE_LIMITED = (
    "You have sent {limit} reports in the last hour, which is as many as we accept from one connection. "
    "Thank you: please try again in an hour."
)


def site_path(value):
    """`value` if it is a path (with an optional query string) on this site,
    otherwise None. Refuses full addresses (https://…), protocol-relative ones
    (//host/…), backslashes, spaces and control characters."""
    value = (value or "").strip()
    if not value or len(value) > Feedback.PAGE_MAX_LENGTH or not _PATH_CHARACTERS.fullmatch(value):
        return None
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.fragment:
        return None
    return value


class FeedbackForm(forms.ModelForm):
    # The honeypot: hidden from people by the stylesheet (.feedback-trap), left
    # out of the tab order, and with a label that says to leave it alone.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Feedback
        fields = ["page", "message", "email"]
        labels = {
            "page": "Which page?",
            "message": "What is wrong or missing?",
            "email": "Your email address (optional)",
        }
        help_texts = {
            "page": "The page's address on this site. We filled it in for you.",
            "message": (
                f"Between {MESSAGE_MIN_LENGTH} and {Feedback.MESSAGE_MAX_LENGTH:,} characters. "
                "Please do not include details about your own health."
            ),
            "email": "Only if you would like an answer. We use it for nothing else.",
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's own length check would cut a pasted text off without a
        # word; the server's message says how long it is instead.
        # Length checks are in clean_message and clean_page, with our own words.
        for name in ("message", "page"):
            self.fields[name].widget.attrs.pop("maxlength", None)
            self.fields[name].validators = []
        self.fields["page"].error_messages["required"] = NOT_A_PAGE
        self.fields["message"].error_messages["required"] = "Please tell us what is wrong or missing."

    def clean_page(self):
        path = site_path(self.cleaned_data.get("page"))
        if path is None:
            raise forms.ValidationError(NOT_A_PAGE)
        return path

    def clean_message(self):
        message = self.cleaned_data.get("message", "").strip()
        if len(message) < MESSAGE_MIN_LENGTH:
            raise forms.ValidationError(
                f"Please tell us a little more: at least {MESSAGE_MIN_LENGTH} characters."
            )
        if len(message) > Feedback.MESSAGE_MAX_LENGTH:
            raise forms.ValidationError(
                f"Please keep your message to {Feedback.MESSAGE_MAX_LENGTH:,} characters or fewer "
                f"(it has {len(message):,})."
            )
        return message

    def is_spam(self):
        """The honeypot was filled in (only robots see it)."""
        return bool(self.cleaned_data.get("website"))


def _rate_key(request):
    address = client_ip_address(request) or "unknown"
    return "feedback-rate:" + salted_hmac("pages.feedback.rate-limit", address).hexdigest()


def over_rate_limit(request):
    """Count this submission against its address; True once the address has
    sent FEEDBACK_RATE_LIMIT in the hour (the window starts with its first).
    If the cache fails, the report is accepted: losing a reader's report is
    worse than a little spam."""
    key = _rate_key(request)
    try:
        cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
        count = cache.incr(key)
    except Exception:
        logger.exception("The feedback rate limit could not use the cache; the report is accepted.")
        return False
    return count > FEEDBACK_RATE_LIMIT


def send_notification(report):
    """Email the report to settings.MSINFO_FEEDBACK_RECIPIENTS, if any (none by
    default). A mail failure is logged, never shown to the reader: the report
    is already stored and listed in the admin."""
    recipients = getattr(settings, "MSINFO_FEEDBACK_RECIPIENTS", [])
    if not recipients:
        return
    body = (
        f"A reader reported a problem with {report.page}\n\n"
        f"{report.message}\n\n"
        f"Their email address: {report.email or '(not given)'}\n"
    )
    try:
        send_mail("Reader's problem report", body, None, recipients)
    except Exception:
        logger.exception("The problem report %s was saved but the email about it could not be sent.", report.pk)
