"""The forms and versions of the demo medicines (forms.json, when present):
{slug: [rows with TherapyForm's fields]}, listed in the order given.

A form is created only when its medicine has none of that name. Readers see
a form as soon as it is saved, so on an install loaded earlier the forms of
a live page are not added by the loader: the page's review note lists them
for the medical reviewer, who adds them under "Forms and versions" (a new
database, and a page still to be reviewed, get them at once)."""

from pathlib import Path

from core.demo import read_json
from editorial import workflow
from therapies.models import TherapyForm

HERE = Path(__file__).parent
FILE = "forms.json"


def rows():
    return read_json(HERE, FILE) if (HERE / FILE).exists() else {}


def load(loader, run, therapies):
    for slug, forms in rows().items():
        therapy = therapies.get(slug)
        if therapy is None:
            continue
        waiting = []
        for position, row in enumerate(forms, start=1):
            label = f"form {row['name']!r} of {therapy}"
            if TherapyForm.objects.filter(therapy=therapy, name=row["name"]).exists():
                loader.found(label)
                continue
            if run.existing and workflow.is_protected(therapy):
                waiting.append(row)
                continue
            form = TherapyForm(therapy=therapy, **{"position": position, **row})
            form.full_clean()
            form.save()
            loader.made(label)
        if waiting:
            run.tell_reviewer(therapy, _waiting_note(waiting))
            loader.say(f"  for a reviewer to add on the live page of {therapy}: " + ", ".join(r["name"] for r in waiting))


def _waiting_note(rows):
    """The forms a reviewer is asked to add, with what each needs."""
    lines = ["The updated content brief lists forms of this medicine that its page does not show yet. "
             "A medical reviewer adds them under 'Forms and versions':"]
    for row in rows:
        details = "; ".join(
            f"{TherapyForm._meta.get_field(name).verbose_name}: {_shown(name, row[name])}"
            for name in ("kind", "brand_names", "maker", "route", "schedule", "taken_where", "how_given", "approved")
            if row.get(name)
        )
        lines.append(f"- {row['name']} ({details})")
    return "\n".join(lines)


def _shown(name, value):
    choices = dict(TherapyForm._meta.get_field(name).choices or ())
    return str(choices.get(value, value)).rstrip(".")
