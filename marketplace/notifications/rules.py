"""Pure rules for telling people: when a daily digest is due, how long to wait before retrying a
mail. No Flask, no database."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from marketplace.dates import VIETNAM

# Mail retries: after the 1st failure wait 1 minute, then 5, 15, 60, 240; then give up.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
                timedelta(hours=4))
DIGEST_HOUR = 7  # local time in Việt Nam: before the day's work starts


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try a failed mail again after `attempts` failures; None: give up."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]


def digest_slot(now: datetime, hour: int = DIGEST_HOUR) -> datetime:
    """The latest digest time (today's or yesterday's `hour` in Việt Nam) at or before `now`, in UTC."""
    local = now.astimezone(VIETNAM)
    slot = datetime.combine(local.date(), time(hour), tzinfo=VIETNAM)
    if slot > local:
        slot -= timedelta(days=1)
    return slot.astimezone(now.tzinfo)


def digest_due(now: datetime, last_sent: datetime | None, hour: int = DIGEST_HOUR) -> bool:
    """One digest a day: due when no digest went out since the latest slot."""
    return last_sent is None or last_sent < digest_slot(now, hour)
