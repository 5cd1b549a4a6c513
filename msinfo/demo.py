"""The demo content's corrections across the apps, for checking them as a
whole: the text first seeded ({kind: {slug: {field: value}}}) and the
corrected values ({(model, slug): {field: value}}), from each app's demo
loader. Loading is `manage.py load_demo_content`."""

from articles import demo as articles_demo
from therapies import demo as therapies_demo

SEEDED = {**therapies_demo.SEEDED, **articles_demo.SEEDED}


def corrected_values():
    return {**therapies_demo.corrected_values(), **articles_demo.corrected_values()}
