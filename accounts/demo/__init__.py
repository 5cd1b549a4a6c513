"""The demo medical reviewer's account, which the demo pages are approved by.

Not a person and not a login (no usable password): its staff profile
(editorial/demo) says so on every page it "reviewed". Before launch, a real
medical reviewer approves the pages again, and this account leaves the group."""

from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import ensure_roles
from core.demo import read_json

HERE = Path(__file__).parent


def load(loader):
    """The demo reviewer, created (in its group) if missing."""
    data = read_json(HERE, "reviewer.json")
    group_name = data.pop("group")
    User = get_user_model()
    reviewer = User.objects.filter(username=data["username"]).first()
    if reviewer is not None:
        loader.found(f"demo medical reviewer {reviewer.get_username()!r}")
        return reviewer
    reviewer = User(**data, is_staff=False)
    reviewer.set_unusable_password()
    reviewer.full_clean()
    reviewer.save()
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        ensure_roles(apps)  # the roles' data migration has been undone, or a test flushed it
        group = Group.objects.get(name=group_name)
    reviewer.groups.add(group)
    loader.made(f"demo medical reviewer {reviewer.get_username()!r}")
    return reviewer
