from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Review and publishing"

    def ready(self):
        from editorial import changes

        # Every change readers can see empties the page cache on commit.
        changes.connect()

        from editorial.evidence import watched

        # Adding a trial or label to a page's references starts watching it.
        watched.connect()

        from core import markup
        from core.kept import KeptWhileContentUnchanged
        from editorial.models import GlossaryTerm

        # Public pages show a glossary term's plain meaning where the text uses
        # it, once a reviewer checked it. Every page reads the glossary: it is
        # kept until the content changes (a term's edit is a change).
        markup.register_glossary(KeptWhileContentUnchanged(lambda: list(GlossaryTerm.objects.checked().pairs())))

        # run_watches checks the trial registry and labels (watches.kinds).
        from editorial.evidence import scheduled  # noqa: F401

        from editorial import fixtures

        # loaddata restores history rows as exported, and adds none.
        fixtures.connect_signals()
