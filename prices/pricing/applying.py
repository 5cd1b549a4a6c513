"""Preview and apply: the pipeline the command and the admin page share.

    preview(source, fmt)   read and check the whole file, compare with the
                           database, write nothing; returns a Report
    apply(source, fmt)     the same check, inside one transaction, staging
                           the new rows; if the whole file is clean and has
                           new rows, write them and their PriceImport, else
                           roll everything back

Memory stays flat: rows are checked and compared a chunk at a time; what
survives a chunk is one small key per row (for duplicates) and per-subject
counts, and apply's new rows wait in a temporary table."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone

from core import cache
from editorial.models import person_name
from prices.models import CostEstimate, PriceImport
from prices.pricing.asp import AspParser
from prices.pricing.csv_format import CsvParser
from prices.pricing.json_format import JsonParser
from prices.pricing.nadac import NadacParser
from prices.pricing.review import PriceReview
from prices.pricing.rows import WHOLE_FILE, Conflict, Problem, Report
from prices.pricing.validation import RowValidator, existing_estimates

CHUNK_SIZE = 2000
# Each new estimate goes into fifteen indexes at scattered places. With
# SQLite's default 2 MB page cache, pages written in the transaction are
# spilled and written again many times over; 16 MB holds them for a
# 100,000-row file (writing it took 1.9 s of CPU instead of 2.5 s; a larger
# cache gained nothing more) and is given back after the write.
WRITE_PAGE_CACHE_KIB = 16 * 1024
PARSERS = {"csv": CsvParser, "json": JsonParser, "nadac": NadacParser, "asp": AspParser}


class _WriteNothing(Exception):
    """Raised inside the import's transaction to roll it back: the report
    says why."""


def preview(source, fmt, *, today=None, on_new=None, review=True):
    """Check `source` as `fmt` ('csv', 'json', 'nadac' or 'asp'). `on_new`, if given,
    is called with each chunk's new EstimateRows (apply uses it to stage them).
    With `review`, report.review lists the rows next to the current figures
    and flags large changes and implausible amounts (pricing.review)."""
    report = Report(file_name=source.name, format=fmt, review=PriceReview() if review else None)
    with source.open() as stream:
        parser = PARSERS[fmt](stream)
        validator = RowValidator(today=today)
        chunk = []
        for item in parser:
            if isinstance(item, Problem):
                report.problems.append(item)
                continue
            row, problems = validator.check(item)
            if problems:
                report.problems.extend(problems)
                continue
            chunk.append(row)
            if len(chunk) >= CHUNK_SIZE:
                _compare(chunk, report, on_new)
                chunk = []
        if chunk:
            _compare(chunk, report, on_new)
        report.sha256 = stream.sha256()
    report.notes.extend(parser.notes)
    report.takes_effect = getattr(parser, "takes_effect", None)
    if report.rows_total == 0 and not report.problems:
        report.problems.append(Problem(WHOLE_FILE, None, "the file has no price rows."))
    return report


def _compare(rows, report, on_new):
    existing = existing_estimates(rows)
    new = []
    outcomes = []
    for row in rows:
        report.rows_total += 1
        found = existing.get(row.key)
        if found is None:
            new.append(row)
            outcomes.append("new")
            report.rows_new += 1
            report.count(row.kind, row.slug, "new")
            continue
        pk, low, high = found
        if low == row.low and high == row.high:
            outcomes.append("unchanged")
            report.rows_unchanged += 1
            report.count(row.kind, row.slug, "unchanged")
        else:
            outcomes.append("conflicting")
            report.conflicts.append(
                Conflict(row.where, row.subject_label, row.currency, row.as_of, pk, low, high, row.low, row.high)
            )
            report.count(row.kind, row.slug, "conflicting")
    if report.review is not None:
        report.review.add(rows, outcomes)
    if new and on_new is not None and report.ok:
        on_new(new)


def _unattended_label(source):
    if source.kind == PriceImport.SourceKind.WATCHED:
        return PriceImport.WATCHED_LABEL
    return PriceImport.COMMAND_LABEL


def apply(source, fmt, *, user=None, expected_sha256=None, today=None, accept_flagged=False):
    """Check, then write all new estimates of `source` in one transaction.

    Returns the Report; `report.applied` says whether anything was written and
    `report.price_import` is the record. Nothing is written when the file has a
    problem or conflict, has no new rows, (with `expected_sha256`, as the
    admin passes the hash it previewed) is not the file that was previewed, or
    has flagged rows (large change, implausible amount) and `accept_flagged`
    is not set: then `report.held_for_confirmation` is True.

    The file is read and checked once, inside the transaction that writes it:
    on SQLite that transaction holds the write lock from its start
    (msinfo/databases.py), so nothing is recorded between the check and the
    write; on PostgreSQL the unique constraints refuse an estimate someone
    else recorded meanwhile for one of its rows. (Checking it before the
    transaction and again inside it doubled the work.) New rows wait in a
    StagedEstimates table until every row has been checked."""
    report = None
    recorded_at = timezone.now()
    try:
        with transaction.atomic():
            staged = StagedEstimates()
            report = preview(source, fmt, today=today, on_new=staged.add)
            if expected_sha256 is not None and report.sha256 != expected_sha256:
                report.problems.insert(
                    0,
                    Problem(WHOLE_FILE, None, "this is not the file that was previewed (its SHA-256 differs); nothing was written."),
                )
            if not report.can_apply:
                raise _WriteNothing
            if report.needs_confirmation and not accept_flagged:
                report.held_for_confirmation = True
                raise _WriteNothing

            record = PriceImport.objects.create(
                file_name=source.name[: PriceImport._meta.get_field("file_name").max_length],
                sha256=report.sha256,
                format=fmt,
                source_kind=source.kind,
                rows_total=report.rows_total,
                rows_new=report.rows_new,
                rows_unchanged=report.rows_unchanged,
                summary=" ".join(report.notes),
                created_at=recorded_at,
                created_by=user,
                created_by_label=person_name(user) if user is not None else _unattended_label(source),
            )
            staged.write(price_import=record, recorded_by=user, recorded_at=recorded_at)
            staged.drop()
    except _WriteNothing:
        return report
    except DatabaseError as error:
        if report is None:
            report = Report(file_name=source.name, format=fmt)
        report.problems.append(Problem(WHOLE_FILE, None, f"the database refused the import ({error}); nothing was written."))
        return report
    report.applied = True
    report.price_import = record
    return report


class StagedEstimates:
    """A file's new estimates while the rest of it is checked: rows in a
    temporary table of the import's transaction, so nothing reaches
    CostEstimate before the whole file has passed, memory stays flat however
    long the file, and the file is read once.

    Each row's varying values are adapted once, by the fields themselves
    (get_db_prep_value) so each backend gets what it expects, and staged with
    one prepared statement. write() then copies them into CostEstimate in SQL, in
    file order, BATCH_SIZE rows a statement (well inside PostgreSQL's
    statement timeout, msinfo/databases.py), with the values every row shares
    (the import, the user, the time, and any other field's default) taken from
    the model, so a field added to CostEstimate later is filled in as the ORM
    would. QuerySet.bulk_create would build a model instance and compile
    every value of every row through the ORM: five times what the database
    itself takes. The database still checks every constraint as it copies.
    The table disappears with the transaction if anything fails."""

    TABLE = "prices_import_staged_estimates"
    BATCH_SIZE = 1000
    VARYING = (
        "category_id", "therapy_id", "low", "high", "currency", "as_of", "source_name", "source_url", "note", "product",
        "kind_id",
    )

    def __init__(self):
        # The connection itself, not django.db.connection's per-attribute
        # lookup, which cost more than the adapting on 100,000 rows.
        self.connection = connections[DEFAULT_DB_ALIAS]
        opts = CostEstimate._meta
        self.fields = [field for field in opts.concrete_fields if not field.primary_key]
        self.varying = [opts.get_field(name) for name in self.VARYING]
        quote = self.connection.ops.quote_name
        self.table = quote(self.TABLE)
        columns = ", ".join(f"{quote(field.column)} {field.db_type(self.connection)} NULL" for field in self.varying)
        self.staged = 0
        self.staging = "INSERT INTO {} (n, {}) VALUES ({})".format(
            self.table, ", ".join(quote(field.column) for field in self.varying), ", ".join(["%s"] * (len(self.varying) + 1))
        )
        with self.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} (n integer PRIMARY KEY, {columns})")

    def add(self, rows):
        connection = self.connection
        # The validator made these Decimals and dates ("prepared"): only the
        # backend's own adapting is left to do.
        low, high, as_of = (
            CostEstimate._meta.get_field(name).get_db_prep_value for name in ("low", "high", "as_of")
        )
        values = []
        for row in rows:  # in VARYING's order
            self.staged += 1
            values.append((
                self.staged,
                row.subject_id if row.kind == "category" else None,
                row.subject_id if row.kind == "therapy" else None,
                low(row.low, connection, prepared=True),
                high(row.high, connection, prepared=True),
                row.currency,
                as_of(row.as_of, connection, prepared=True),
                row.source_name,
                row.source_url,
                row.note,
                row.product,
                row.price_kind_id,
            ))
        with connection.cursor() as cursor:
            cursor.executemany(self.staging, values)

    def write(self, **constants):
        # Raw INSERTs send no signal: readers see the new prices once the
        # import's transaction commits.
        cache.content_changed()
        template = CostEstimate(**constants)
        quote = self.connection.ops.quote_name
        shared, selected = [], []
        for field in self.fields:
            if field.attname in self.VARYING:
                selected.append(quote(field.column))
            else:
                selected.append("%s")
                shared.append(field.get_db_prep_save(getattr(template, field.attname), self.connection))
        copy = "INSERT INTO {} ({}) SELECT {} FROM {} WHERE n > %s AND n <= %s ORDER BY n".format(
            quote(CostEstimate._meta.db_table), ", ".join(quote(field.column) for field in self.fields),
            ", ".join(selected), self.table,
        )
        with self.connection.cursor() as cursor, sqlite_page_cache(cursor, WRITE_PAGE_CACHE_KIB):
            for start in range(0, self.staged, self.BATCH_SIZE):
                cursor.execute(copy, [*shared, start, start + self.BATCH_SIZE])

    def drop(self):
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {self.table}")


@contextmanager
def sqlite_page_cache(cursor, kib):
    """SQLite's page cache for this connection at `kib` KiB for the duration;
    other databases are left alone."""
    if cursor.db.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    (before,) = cursor.fetchone()
    cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(before)}")
