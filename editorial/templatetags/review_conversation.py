"""The conversation between reviewers and editors on one item, as the review
page and the change page show it: the send-back form, the banner with the
latest note, and the thread of every decision. Each is an include, so both
pages show them the same way."""

from django import template

from editorial import workflow
from editorial.admin.forms import SendBackForm
from editorial.models import EditorialStatus, ReviewDecision

register = template.Library()


@register.inclusion_tag("admin/reviewed_content/_send_back_form.html")
def send_back_form(action, back_to):
    return {"action": action, "form": SendBackForm(initial={"back_to": back_to})}


@register.inclusion_tag("admin/reviewed_content/_sent_back_banner.html", takes_context=True)
def sent_back_banner(context, obj):
    """The reviewer's latest note while the item is back with its editors.
    `obj` is the change page's object; the page's `open_revision` and
    `sent_back_revision` tell what the form holds."""
    decision = workflow.latest_send_back(obj)
    if decision is None:
        return {"decision": None}
    if context.get("open_revision") is not None:
        follow_up = "The changes saved since are waiting for a medical reviewer."
    elif context.get("sent_back_revision") is not None:
        follow_up = (
            "The form below holds the changes that were sent back. Make the changes asked for and save: "
            "they go back to a medical reviewer as a pending revision. Readers keep seeing the live version."
        )
    elif obj.status == EditorialStatus.DRAFT:
        follow_up = "It is a draft again. Make the changes asked for, then use “Save and submit for review”."
    else:
        follow_up = ""
    return {"decision": decision, "follow_up": follow_up}


@register.inclusion_tag("admin/reviewed_content/_decision_thread.html")
def decision_thread(obj, collapsed=False):
    """Every review decision on `obj`, newest first: one query."""
    return {"decisions": list(ReviewDecision.objects.for_object(obj)), "collapsed": collapsed}
