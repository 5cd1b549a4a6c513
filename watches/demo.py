"""The demo's watched sources. The trial registry and label checks need no
address of their own (they look up what pages cite), so they are on. The
price files are added switched off, without an address: CMS publishes each
NADAC week and each ASP quarter at a new address, and the demo does not
guess one. An administrator enters the current file's address and ticks
"enabled" (docs/price-updates.md, "Watched price files")."""

from watches.models import WatchedSource

SOURCES = [
    {
        "name": "ClinicalTrials.gov: trials cited by pages",
        "kind": WatchedSource.Kind.TRIAL_REGISTRY,
        "every": WatchedSource.Every.DAILY,
        "note": "Demo source. Looks up every trial number (NCT) in a page's references through ClinicalTrials.gov's "
        "API v2, and flags the page for a medical reviewer when a trial's status, results or dates change.",
    },
    {
        "name": "DailyMed: labels cited by pages",
        "kind": WatchedSource.Kind.MEDICINE_LABELS,
        "every": WatchedSource.Every.WEEKLY,
        "note": "Demo source. Looks up every DailyMed set ID in a page's references, and flags the page when its "
        "label has a new version.",
    },
    {
        "name": "NADAC weekly file (CMS)",
        "kind": WatchedSource.Kind.NADAC,
        "every": WatchedSource.Every.WEEKLY,
        "enabled": False,
        "note": "Demo source, switched off: enter the address of the current weekly NADAC CSV from data.medicaid.gov, "
        "then enable it. Rows are matched to medicines by their NDC mappings.",
    },
    {
        "name": "Medicare Part B ASP pricing file (CMS)",
        "kind": WatchedSource.Kind.ASP,
        "every": WatchedSource.Every.QUARTERLY,
        "enabled": False,
        "note": "Demo source, switched off: enter the address of the current quarter's ASP pricing file (ZIP or CSV) "
        "from https://www.cms.gov/medicare/payment/part-b-drugs/asp-pricing-files, then enable it. Rows are matched "
        "to medicines by their HCPCS mappings.",
    },
]


def load(loader):
    for values in SOURCES:
        loader.get_or_create(WatchedSource, lookups=[{"name": values["name"]}], values=values, label=f"watched source {values['name']}")
