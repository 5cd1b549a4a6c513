"""Values kept in the process while the content stays the same
(core.kept.KeptWhileContentUnchanged): computed once per content version,
again after any change, and every time while the shared cache is failing."""

from unittest import mock

from django.core.cache import cache
from django.db import transaction

from core import cache as page_cache
from core.kept import KeptWhileContentUnchanged


def counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, KeptWhileContentUnchanged(compute)


def test_computed_once_while_nothing_changes_and_again_after_a_change():
    calls, kept = counting()
    assert [kept(), kept(), kept()] == [1, 1, 1]

    page_cache.bump_content_version(subjects={"therapies.therapy:1"})  # even a narrowed change
    assert [kept(), kept()] == [2, 2]

    page_cache.bump_content_version()
    assert kept() == 3


def test_an_emptied_cache_starts_a_new_version_and_computes_again():
    calls, kept = counting()
    kept()
    cache.clear()
    assert kept() == 2


def test_without_a_working_cache_it_is_computed_every_time():
    calls, kept = counting()
    kept()
    with mock.patch.object(cache, "get", side_effect=ConnectionError("cache down")):
        assert [kept(), kept()] == [2, 3]


def test_inside_a_transaction_nothing_is_kept_so_a_rollback_cannot_linger(db):
    calls, kept = counting()
    with transaction.atomic():
        assert [kept(), kept()] == [1, 2]  # what it computes may still roll back
    assert [kept(), kept()] == [3, 3]
