"""The one date helper: which day a stored moment is, where the consultation takes place.

Moments are stored in UTC. A consultation or a phase runs from the first moment of its first
day (`starts_at`) to the first moment of the day after its last day (`ends_at`, exclusive),
both in the consultation's time zone (its own `time_zone`, else the deployment's `TIME_ZONE`).
People set and read days, never that exclusive end: pages, exports, reports and JSON all take
their days from here, and their words from `long_day`.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app, has_app_context
from flask_babel import format_date, format_datetime

DEFAULT_TIME_ZONE = "America/Toronto"
_TICK = timedelta(microseconds=1)
# The years a day or moment that people type or import may fall in. Near the calendar's ends
# (year 1, year 9999) moving a midnight to UTC or to a time zone leaves it: OverflowError.
YEARS = range(1900, 2101)


def is_time_zone(name: str | None) -> bool:
    return bool(name) and name in available_timezones()


def zone_name(consultation=None) -> str:
    """The consultation's zone (a consultation, or already a zone name), else the deployment's."""
    own = consultation if isinstance(consultation, str) else getattr(consultation, "time_zone",
                                                                       None)
    if own:
        return own
    return current_app.config["TIME_ZONE"] if has_app_context() else DEFAULT_TIME_ZONE


def zone(consultation=None) -> ZoneInfo:
    return ZoneInfo(zone_name(consultation))


def day_start(day: date, consultation=None) -> datetime:
    """The first moment of `day` where the consultation takes place, in UTC."""
    return datetime.combine(day, time.min, tzinfo=zone(consultation)).astimezone(UTC)


def day_after(day: date, consultation=None) -> datetime:
    """The stored (exclusive) end of a period whose last day included is `day`."""
    return day_start(day + timedelta(days=1), consultation)


def day_of(moment: datetime, consultation=None) -> date:
    """The day a moment falls on where the consultation takes place."""
    return moment.astimezone(zone(consultation)).date()


def local_moment(moment: datetime, consultation=None) -> datetime:
    return moment.astimezone(zone(consultation))


def last_day_before(end: datetime, consultation=None) -> date:
    """The last day included in a period that ends, exclusively, at `end`."""
    return day_of(end - _TICK, consultation)


def _consultation_of(period):
    return getattr(period, "consultation", None) or period


def first_day(period) -> date:
    """The first day of a phase or a consultation."""
    return day_of(period.starts_at, _consultation_of(period))


def last_day(period) -> date:
    """The last day included of a phase (closed early or not) or a consultation."""
    end = getattr(period, "closes_at", None) or period.ends_at
    return last_day_before(end, _consultation_of(period))


def long_day(day: date) -> str:
    """A day in words, in the reader's language: "15 janvier 2027", "January 15, 2027"."""
    return format_date(day, "long")


def moment_text(moment: datetime, consultation=None, format: str = "short") -> str:
    """A moment with its time, where the consultation takes place (audit log, imports)."""
    return format_datetime(local_moment(moment, consultation), format, rebase=False)


def moved_to_zone(moment: datetime | None, old: str, new: str) -> datetime | None:
    """The same wall-clock moment in another zone: days stay the days people set."""
    if moment is None:
        return None
    wall = moment.astimezone(ZoneInfo(old)).replace(tzinfo=None)
    return wall.replace(tzinfo=ZoneInfo(new)).astimezone(UTC)
