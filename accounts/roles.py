"""The three editorial roles and what each may do.

They cut across apps (content, the editorial engine's records, prices), but
name them only by app label, never by import, so they live with staff sign-in
in accounts, low enough for any app to use. Used by the data migrations that
create the groups on every install, by the demo loader (accounts/demo), and
by the tests, which need the groups again after a test flushes the database. Existing installs only pick up a change to ROLES through a new
data migration that calls ensure_roles (it only adds, so it is safe to run again)."""

from django.contrib.auth.management import create_permissions

CONTENT = [
    ("articles", "article", ["add", "change", "delete", "view"]),
    ("editorial", "reference", ["add", "change", "delete", "view"]),
    ("therapies", "category", ["add", "change", "delete", "view"]),
    ("therapies", "therapy", ["add", "change", "delete", "view"]),
    # A medicine's forms and versions, edited on its page (only by a reviewer once it is live).
    ("therapies", "therapyform", ["add", "change", "delete", "view"]),
    # Each kind of category is edited under its own name (proxy models, with
    # their own permissions); "category" covers the links that name no kind.
    ("therapies", "dmtgroup", ["add", "change", "delete", "view"]),
    ("therapies", "emergingsection", ["add", "change", "delete", "view"]),
    ("therapies", "supportivesection", ["add", "change", "delete", "view"]),
    ("pages", "sitepage", ["add", "change", "delete", "view"]),
    # The media library: an image reaches readers only inside an approved page.
    ("images", "image", ["add", "change", "delete", "view"]),
    # Readers' problem reports: editors read them and move them along (status only).
    ("pages", "feedback", ["change", "view"]),
    # What readers searched for (no personal data), for "searched for but not found".
    ("search", "searchterm", ["view"]),
    # What readers' words also mean, so search finds the pages that answer them.
    ("search", "searchsynonym", ["add", "change", "delete", "view"]),
    # Medical words and their plain meanings, shown beside editors' text and to readers.
    ("editorial", "glossaryterm", ["add", "change", "delete", "view"]),
    ("prices", "costestimate", ["view"]),
    ("editorial", "revision", ["view"]),
    ("editorial", "reviewdecision", ["view"]),
    ("editorial", "staffprofile", ["view"]),
    # What the site's scheduled checks found (the trial registry, labels);
    # administrators set the sources up.
    ("watches", "watchedsource", ["view"]),
    ("watches", "watchrun", ["view"]),
]
PUBLISHING = [
    ("articles", "article", ["publish"]),
    ("therapies", "therapy", ["publish"]),
    ("therapies", "category", ["publish"]),
    ("therapies", "dmtgroup", ["publish"]),
    ("therapies", "emergingsection", ["publish"]),
    ("therapies", "supportivesection", ["publish"]),
    ("pages", "sitepage", ["publish"]),
    # A glossary meaning shows to readers once a reviewer has checked it.
    ("editorial", "glossaryterm", ["publish"]),
]
PRICES = [
    ("prices", "costestimate", ["add", "view", "correct"]),
    ("prices", "priceimport", ["add", "view"]),
    ("prices", "ndcmapping", ["add", "change", "view"]),
    # HCPCS codes an ASP pricing file (Medicare Part B) is matched by.
    ("prices", "hcpcsmapping", ["add", "change", "view"]),
    # A product's units a year, so a price per unit becomes a year's figure.
    ("prices", "productdosing", ["add", "change", "view"]),
    # Countries and kinds of figure are chosen from, and changed only by an
    # administrator: the UK's note stands before every UK figure.
    ("prices", "country", ["view"]),
    ("prices", "pricekind", ["view"]),
    # The price files fetched on schedule, and what each fetch found.
    ("watches", "watchedsource", ["view"]),
    ("watches", "watchrun", ["view"]),
    # To pick the category or therapy an estimate belongs to.
    ("therapies", "category", ["view"]),
    ("therapies", "dmtgroup", ["view"]),
    ("therapies", "therapy", ["view"]),
]

# Medical reviewers may take a wrong price out of use (withdraw or correct it,
# one estimate or a whole import) without recording or importing prices.
PRICE_CORRECTIONS = [
    ("prices", "costestimate", ["correct"]),
    ("prices", "priceimport", ["view"]),
]

ROLES = {
    "Editors": CONTENT,
    "Medical reviewers": CONTENT + PUBLISHING + PRICE_CORRECTIONS,
    "Price editors": PRICES,
}


def ensure_roles(apps, roles=None):
    """Create the groups (and any missing permissions) and grant them `roles`
    (by default ROLES, as they are now); safe to repeat. A migration passes
    the roles as they were when it was written.

    Grants that `apps` cannot have yet (the model or its permission comes in a
    later migration) are left out: on a new install, migrations of different
    apps interleave, and a later roles migration grants them."""
    roles = ROLES if roles is None else roles
    defined = {
        (model._meta.app_label, codename)
        for model in apps.get_models()
        for codename in [
            *(f"{action}_{model._meta.model_name}" for action in model._meta.default_permissions),
            *(codename for codename, _ in model._meta.permissions),
        ]
    }
    for app_config in apps.get_app_configs():
        # In a migration the app configs are stubs without a models module,
        # which create_permissions would skip; the real registry has one.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in roles.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model_name, actions in grants:
            for action in actions:
                if (app_label, f"{action}_{model_name}") not in defined:
                    continue
                permission = Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model_name}"
                )
                group.permissions.add(permission)
