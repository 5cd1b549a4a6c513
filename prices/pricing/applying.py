"""Preview and apply: the pipeline the command and the admin page share.

    preview(source, fmt)   read and check the whole file, compare with the
                           database, write nothing; returns a Report
    apply(source, fmt)     preview; if the file is clean and has new rows,
                           read it again inside one transaction, re-checking
                           everything, and write the new estimates and their
                           PriceImport. Any problem on the second pass (the
                           file or the database changed) rolls it all back.

Memory stays flat: rows are checked and compared a chunk at a time; what
survives a chunk is one small key per row (for duplicates) and per-subject
counts."""

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import cache
from prices.models import CostEstimate, PriceImport
from prices.pricing.csv_format import CsvParser
from prices.pricing.json_format import JsonParser
from prices.pricing.nadac import NadacParser
from prices.pricing.review import PriceReview
from prices.pricing.rows import WHOLE_FILE, Conflict, Problem, Report
from prices.pricing.validation import RowValidator, existing_estimates

CHUNK_SIZE = 2000
PARSERS = {"csv": CsvParser, "json": JsonParser, "nadac": NadacParser}


class _Abort(Exception):
    """Raised inside the write transaction to roll it back."""

    def __init__(self, report):
        super().__init__(report.summary())
        self.report = report


def preview(source, fmt, *, today=None, on_new=None, review=True):
    """Check `source` as `fmt` ('csv', 'json' or 'nadac'). `on_new`, if given,
    is called with each chunk's new EstimateRows (apply uses it to save them).
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


def apply(source, fmt, *, user=None, expected_sha256=None, today=None, accept_flagged=False):
    """Check, then write all new estimates of `source` in one transaction.

    Returns the Report; `report.applied` says whether anything was written and
    `report.price_import` is the record. Nothing is written when the file has a
    problem or conflict, has no new rows, (with `expected_sha256`, as the
    admin passes the hash it previewed) is not the file that was previewed, or
    has flagged rows (large change, implausible amount) and `accept_flagged`
    is not set: then `report.held_for_confirmation` is True."""
    report = preview(source, fmt, today=today)
    if expected_sha256 is not None and report.sha256 != expected_sha256:
        report.problems.insert(
            0, Problem(WHOLE_FILE, None, "this is not the file that was previewed (its SHA-256 differs); nothing was written.")
        )
    if not report.can_apply:
        return report
    if report.needs_confirmation and not accept_flagged:
        report.held_for_confirmation = True
        return report

    recorded_at = timezone.now()
    try:
        with transaction.atomic():
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
                created_by_label=user.get_username() if user is not None else PriceImport.COMMAND_LABEL,
            )

            inserter = EstimateInserter(price_import=record, recorded_by=user, recorded_at=recorded_at)
            second = preview(source, fmt, today=today, on_new=inserter.insert, review=False)
            same = (second.sha256, second.rows_total, second.rows_new, second.rows_unchanged) == (
                report.sha256, report.rows_total, report.rows_new, report.rows_unchanged
            )
            if not second.ok or not same:
                if second.ok:
                    second.problems.append(
                        Problem(WHOLE_FILE, None, "the file or the recorded estimates changed while importing.")
                    )
                raise _Abort(second)
    except _Abort as abort:
        abort.report.problems.append(Problem(WHOLE_FILE, None, "nothing was written; run the import again."))
        return abort.report
    except DatabaseError as error:
        report.problems.append(Problem(WHOLE_FILE, None, f"the database refused the import ({error}); nothing was written."))
        return report
    report.applied = True
    report.price_import = record
    return report


class EstimateInserter:
    """Writes new estimates with multi-row INSERTs.

    QuerySet.bulk_create compiles every value of every row through the ORM and
    needs a model instance per row: about 6 s per 100,000 estimates, five times
    what the database itself takes. This builds the statement once, adapts only
    the values that vary from row to row (with the fields' own
    get_db_prep_save, so each backend gets what it expects), and takes the
    columns and the other values (the import, the user, the time, and any
    field's default) from the model, so a field added to CostEstimate later is
    filled in as the ORM would. The database still checks every constraint."""

    VARYING = (
        "category_id", "therapy_id", "low", "high", "currency", "as_of", "source_name", "source_url", "note", "product",
        "kind_id",
    )

    def __init__(self, **constants):
        opts = CostEstimate._meta
        self.fields = [field for field in opts.concrete_fields if not field.primary_key]
        template = CostEstimate(**constants)
        self.constant_values = {
            field.attname: field.get_db_prep_save(getattr(template, field.attname), connection)
            for field in self.fields
            if field.attname not in self.VARYING
        }
        self.low, self.high, self.as_of = (opts.get_field(name) for name in ("low", "high", "as_of"))
        quote = connection.ops.quote_name
        self.prefix = "INSERT INTO {} ({}) VALUES ".format(
            quote(opts.db_table), ", ".join(quote(field.column) for field in self.fields)
        )
        self.placeholder = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        max_params = connection.features.max_query_params or 65535
        self.batch_size = max(1, min(1000, max_params // len(self.fields)))

    def row_values(self, row):
        values = dict(self.constant_values)
        values.update(
            category_id=row.subject_id if row.kind == "category" else None,
            therapy_id=row.subject_id if row.kind == "therapy" else None,
            low=self.low.get_db_prep_save(row.low, connection),
            high=self.high.get_db_prep_save(row.high, connection),
            currency=row.currency,
            as_of=self.as_of.get_db_prep_save(row.as_of, connection),
            source_name=row.source_name,
            source_url=row.source_url,
            note=row.note,
            product=row.product,
            kind_id=row.price_kind_id,
        )
        return [values[field.attname] for field in self.fields]

    def insert(self, rows):
        # Raw INSERTs send no signal: readers see the new prices once the
        # import's transaction commits.
        cache.content_changed()
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.batch_size):
                batch = rows[start : start + self.batch_size]
                params = []
                for row in batch:
                    params.extend(self.row_values(row))
                cursor.execute(self.prefix + ", ".join([self.placeholder] * len(batch)), params)
