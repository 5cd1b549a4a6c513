"""Staff accounts. Someone who has done editorial work keeps their place in
the record: their account is deactivated, never deleted, so every decision,
revision and history entry still leads to them. (ReviewDecision also keeps
the name on the row, for accounts deleted some other way.) The user page also
holds the staff profile: the name and credentials readers see."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.urls import reverse

from editorial.models import Reference, ReviewDecision, Revision, StaffProfile, person_name, reviewed_models

User = get_user_model()

DEACTIVATE_INSTEAD = "Deactivate the account instead (untick Active)."


class PersonListFilter(admin.RelatedOnlyFieldListFilter):
    """A list filter on a field that names a member of staff (last edited by,
    approved by, recorded by): each person listed once, by the name they go
    by everywhere else in the admin, not by their user name."""

    def field_choices(self, field, request, model_admin):
        chosen = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        people = User.objects.filter(pk__in=chosen).select_related("staff_profile")
        return sorted(((person.pk, person_name(person)) for person in people), key=lambda choice: choice[1].casefold())


def editorial_work():
    """A filter on users: has this person done editorial work? Any review
    decision, revision, approval, edit or history entry of reviewed content.
    One query of EXISTS tests, each on an indexed foreign key."""
    user = OuterRef("pk")
    checks = [
        ReviewDecision.objects.filter(actor=user),
        Revision.objects.filter(Q(created_by=user) | Q(reviewed_by=user)),
        Reference.history.filter(history_user=user),
    ]
    for model in reviewed_models():
        checks.append(model.objects.filter(Q(approved_by=user) | Q(last_edited_by=user)))
        if hasattr(model, "history"):
            checks.append(model.history.filter(history_user=user))
    condition = Q()
    for check in checks:
        condition |= Exists(check)
    return condition


def has_editorial_work(user):
    if not hasattr(user, "_has_editorial_work"):
        user._has_editorial_work = User.objects.filter(pk=user.pk).filter(editorial_work()).exists()
    return user._has_editorial_work


def refusal(names):
    people = ", ".join(names)
    return (
        f"Not deleted: {people} did editorial work (reviews, edits or decisions), and the record must keep "
        f"saying who did what. {DEACTIVATE_INSTEAD}"
    )


@admin.action(permissions=["delete"], description=delete_selected.short_description)
def delete_selected_without_editorial_work(modeladmin, request, queryset):
    """Django's delete action, for the accounts that may be deleted; the
    others are named, with what to do instead."""
    kept = list(queryset.filter(editorial_work()))
    if kept:
        modeladmin.message_user(request, refusal(person_name(user) for user in kept), messages.ERROR)
    rest = queryset.exclude(pk__in=[user.pk for user in kept])
    if not rest.exists():
        return None
    return delete_selected(modeladmin, request, rest)


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fields = ("display_name", "credentials")
    can_delete = False
    max_num = 1
    verbose_name_plural = "Staff profile: the name readers and colleagues see"


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    change_form_template = "admin/editorial/user_change_form.html"

    def get_inlines(self, request, obj):
        return [StaffProfileInline] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and has_editorial_work(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                delete_selected_without_editorial_work,
                "delete_selected",
                delete_selected_without_editorial_work.short_description,
            )
        return actions

    def delete_queryset(self, request, queryset):
        # Whatever reaches here, accounts with editorial work stay.
        super().delete_queryset(request, queryset.exclude(editorial_work()))

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is not None and has_editorial_work(user):
            self.message_user(request, refusal([person_name(user)]), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:%s_%s_change" % (self.opts.app_label, self.opts.model_name), args=[user.pk]))
        return super().delete_view(request, object_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and has_editorial_work(obj):
            context["kept_for_the_record"] = (
                f"{person_name(obj)} has done editorial work, so this account cannot be deleted: "
                f"the record must keep saying who did what. {DEACTIVATE_INSTEAD}"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
