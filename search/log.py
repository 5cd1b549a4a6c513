"""The query log: what readers search for, per term and day, with no personal
data (search.models.SearchTerm says what is and is not kept).

Recording never slows or breaks the search page: one statement, and if the
database refuses it the page is shown all the same and a warning logged."""

import datetime
import logging
import re
from contextlib import nullcontext

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from search.models import SearchTerm
from search.words import normalised

logger = logging.getLogger(__name__)

_DIGIT = re.compile(r"\d")


def may_be_personal(term):
    """An email address (an @) or a phone, NHS or card number (six or more digits)."""
    return "@" in term or len(_DIGIT.findall(term)) >= 6


# The day this process last forgot old terms (once a day per process is plenty).
_forgotten_on = None


def forget_old_terms(today=None):
    """Delete the counts of days older than SEARCH_LOG_DAYS: the log is for
    seeing what readers miss now, and nothing is kept longer than that needs."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.SEARCH_LOG_DAYS)
    return SearchTerm.objects.filter(day__lt=cutoff).delete()[0]


def _forget_old_terms_once_a_day(today):
    global _forgotten_on
    if _forgotten_on == today:
        return
    _forgotten_on = today
    try:
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            forget_old_terms(today)
    except DatabaseError:
        logger.warning("Old search terms could not be deleted; the next day's first search tries again", exc_info=True)


def record(query, results, day=None):
    """Count one search for `query` that found `results` pages. Returns
    whether it was recorded. Empty and possibly personal queries are not."""
    term = normalised(query)
    if not term or may_be_personal(term):
        return False
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    # One statement, safe when two readers search for the same new term at
    # once (both PostgreSQL and SQLite 3.24+ know ON CONFLICT): the count
    # goes up by one in the database, never read and written back.
    sql = (
        f"INSERT INTO {table} (term, day, searches, results) VALUES (%s, %s, 1, %s) "
        f"ON CONFLICT (term, day) DO UPDATE SET searches = {table}.searches + 1, results = excluded.results"
    )
    day = connection.ops.adapt_datefield_value(day or timezone.localdate())
    # Inside a transaction (a test's, a caller's), a savepoint keeps a failed
    # write from spoiling it; on its own, the statement commits by itself.
    isolated = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with isolated, connection.cursor() as cursor:
            cursor.execute(sql, [term, day, results])
    except DatabaseError:
        logger.warning("A search could not be recorded in the query log", exc_info=True)
        return False
    _forget_old_terms_once_a_day(timezone.localdate())
    return True
