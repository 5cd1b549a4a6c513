"""What every app's demo loader (`<app>/demo/`) shares: reading its data files,
and adding a row only when it is missing, with the line and the count
`manage.py load_demo_content` reports.

Rows that exist are never changed, so an editor's later work is never
overwritten and the command is safe to run again."""

import datetime
import json
from pathlib import Path


def read_json(folder, name):
    return json.loads((Path(folder) / name).read_text(encoding="utf-8"))


def read_text(folder, name):
    return (Path(folder) / name).read_text(encoding="utf-8")


def date(value):
    return datetime.date.fromisoformat(value)


def moment(value):
    """A timestamp written in the data as ISO 8601 with its offset."""
    return datetime.datetime.fromisoformat(value)


class Loader:
    """The running load: where it reports, and how many rows it created or found."""

    def __init__(self, stdout, style):
        self.stdout = stdout
        self.style = style
        self.created = 0
        self.existing = 0

    def found(self, label):
        self.existing += 1
        self.stdout.write(f"  already there: {label}")

    def made(self, label, verb="created"):
        self.created += 1
        self.stdout.write(self.style.SUCCESS(f"  {verb}: {label}"))

    def say(self, text):
        self.stdout.write(text)

    def get_or_create(self, model, lookups, values, label):
        """The first row matching one of `lookups`, or a new, validated row from `values`."""
        for lookup in lookups:
            obj = model.objects.filter(**lookup).first()
            if obj is not None:
                self.found(label)
                return obj, False
        obj = model(**values)
        obj.full_clean()
        obj.save()
        self.made(label)
        return obj, True
