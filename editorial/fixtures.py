"""Loading a full export (`manage.py loaddata`) without inventing history.

loaddata saves each object "raw" (simple-history then records nothing, as it
should: the export carries the history rows themselves), but it sets an
object's many-to-many fields afterwards with an ordinary `.set()`, and
simple-history records a new version for every many-to-many change. Loading
an article with related therapies therefore wrote an extra history row, dated
the moment of the load and credited to nobody, with the next free id: on
PostgreSQL that id is one the export's own history rows hold, and the load
failed with "duplicate key value violates unique constraint
articles_historicalarticle_pkey"; on SQLite it added a false version.

simple-history skips any instance marked `skip_history_when_saving`, so an
instance saved raw is marked; the mark lives only on that in-memory object.
"""

from django.db.models import signals


def _skip_history_for_loaded_objects(sender, instance, raw=False, **kwargs):
    if raw and hasattr(sender._meta, "simple_history_manager_attribute"):
        instance.skip_history_when_saving = True


def connect_signals():
    signals.pre_save.connect(_skip_history_for_loaded_objects, dispatch_uid="editorial_fixtures_skip_history")
