"""Read-only statistics for the operator's dashboard (`services.dashboard.StatsStore`), on SQLite and
PostgreSQL: every figure is a GROUP BY or a window function in the database, never a loop over rows.

What differs between the engines is kept to three small expressions: the seconds between two moments
(`julianday` on SQLite, `EXTRACT(EPOCH …)` on PostgreSQL), and the reason codes of a rejection event
unnested from its JSON (`json_each` / `jsonb_array_elements_text`). Percentiles are nearest-rank
(`ROW_NUMBER` against `COUNT(*) OVER`), which both engines compute the same way; PostgreSQL's
`percentile_cont` would interpolate and SQLite has no equivalent.

Nothing here reads personal information: names and appids of mini-programs come from `programs`, never
from the (encrypted) documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ...domain.dashboard import (
    OVERDUE_EVENTS,
    REJECTION_EVENTS,
    REVIEW_STATES,
    BreachCount,
    OverdueFiling,
    PendingFaceTask,
    ReasonCount,
    RejectionsByProvince,
    StateCount,
    StateDuration,
    StatsFilter,
)
from . import tables as t

_STAGE_OF_EVENT = {event: stage for stage, event in (*REJECTION_EVENTS.items(), *OVERDUE_EVENTS.items())}
_STAGE_OF_STATE = {state: stage for stage, state in REVIEW_STATES.items()}
_WEEK_SECONDS = 7 * 24 * 3600


def _moment(value: dt.datetime) -> sa.BindParameter[dt.datetime]:
    """A bound moment typed like the columns (stored in UTC; naive on SQLite)."""
    return sa.literal(value, t.UtcDateTime())


class SqlStats:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._sqlite = conn.dialect.name == "sqlite"

    # ----- what differs between the engines ------------------------------------------------------------
    def _seconds(self, later: Any, earlier: Any) -> sa.ColumnElement[Any]:
        if self._sqlite:
            return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0
        return sa.extract("epoch", later - earlier)

    def _reason_codes(self) -> Any:
        """A table-valued function over the `reasons` list of an event's data, with one column `value`."""
        data = t.events.c.data
        if self._sqlite:
            return sa.func.json_each(data, "$.reasons").table_valued("value").alias("reason")
        return sa.func.jsonb_array_elements_text(data["reasons"]).table_valued("value").alias("reason")

    # ----- filters ---------------------------------------------------------------------------------------
    @staticmethod
    def _where(stmt: sa.Select[Any], flt: StatsFilter, moment: Any) -> sa.Select[Any]:
        if flt.province:
            stmt = stmt.where(t.applications.c.province == flt.province)
        if flt.since is not None:
            stmt = stmt.where(moment >= flt.since)
        if flt.until is not None:
            stmt = stmt.where(moment < flt.until)
        return stmt

    # ----- the statistics --------------------------------------------------------------------------------
    def provinces(self) -> list[str]:
        c = t.applications.c
        return [str(p) for p in self.conn.execute(sa.select(c.province).distinct().order_by(c.province)).scalars()]

    def state_counts(self, flt: StatsFilter) -> list[StateCount]:
        """Applications per state, of those created in the period."""
        c = t.applications.c
        stmt = self._where(sa.select(c.state, sa.func.count()).group_by(c.state), flt, c.created_at)
        return [StateCount(str(state), int(n)) for state, n in self.conn.execute(stmt)]

    def state_durations(self, flt: StatsFilter) -> list[StateDuration]:
        """Time spent in each state, per completed stay that ended in the period: the gap between the
        event that entered the state and the one that left it (events that keep the state — a claim, an
        overdue alert — are skipped)."""
        e, a = t.events.c, t.applications.c
        changes = sa.select(
            e.from_state.label("state"), e.at.label("left_at"),
            sa.func.lag(e.at).over(partition_by=e.application_id, order_by=e.id).label("entered_at"),
        ).select_from(t.events.join(t.applications, a.id == e.application_id)).where(e.from_state != e.to_state)
        if flt.province:
            changes = changes.where(a.province == flt.province)
        ch = changes.cte("changes")
        stays = sa.select(ch.c.state, self._seconds(ch.c.left_at, ch.c.entered_at).label("seconds")) \
            .where(ch.c.entered_at.is_not(None), ch.c.state != "")
        if flt.since is not None:
            stays = stays.where(ch.c.left_at >= _moment(flt.since))
        if flt.until is not None:
            stays = stays.where(ch.c.left_at < _moment(flt.until))
        st = stays.cte("stays")
        ranked = sa.select(
            st.c.state, st.c.seconds,
            sa.func.row_number().over(partition_by=st.c.state, order_by=st.c.seconds).label("pos"),
            sa.func.count().over(partition_by=st.c.state).label("n"),
        ).cte("ranked")
        r = ranked.c
        stmt = sa.select(
            r.state, sa.func.max(r.n),
            sa.func.min(sa.case((r.pos == (r.n + 1) // 2, r.seconds))),  # nearest rank: ceil(n / 2)
            sa.func.min(sa.case((r.pos == (9 * r.n + 9) // 10, r.seconds))),  # ceil(9n / 10)
        ).group_by(r.state)
        return [StateDuration(str(state), int(n), round(float(median)), round(float(p90)))
                for state, n, median, p90 in self.conn.execute(stmt)]

    def _rejections(self) -> sa.Select[Any]:
        e, a = t.events.c, t.applications.c
        return sa.select().select_from(t.events.join(t.applications, a.id == e.application_id)) \
            .where(e.event.in_(list(REJECTION_EVENTS.values())))

    def rejections_by_province(self, flt: StatsFilter) -> list[RejectionsByProvince]:
        e, a = t.events.c, t.applications.c
        stmt = self._where(self._rejections().add_columns(e.event, a.province, sa.func.count())
                           .group_by(e.event, a.province), flt, e.at)
        return [RejectionsByProvince(_STAGE_OF_EVENT[event], str(province), int(n))
                for event, province, n in self.conn.execute(stmt)]

    def reason_counts(self, flt: StatsFilter) -> list[ReasonCount]:
        e = t.events.c
        reason = self._reason_codes()
        stmt = self._where(self._rejections().join(reason, sa.true())
                           .add_columns(e.event, reason.c.value, sa.func.count())
                           .group_by(e.event, reason.c.value), flt, e.at)
        return [ReasonCount(_STAGE_OF_EVENT[event], str(code), int(n)) for event, code, n in self.conn.execute(stmt)]

    def _overdue(self, province: str | None, now: dt.datetime) -> sa.Select[Any]:
        a = t.applications.c
        stmt = sa.select().select_from(t.applications).where(
            a.state.in_(list(REVIEW_STATES.values())), a.due_at.is_not(None), a.due_at <= now)
        return stmt.where(a.province == province) if province else stmt

    def overdue_counts(self, province: str | None, now: dt.datetime) -> dict[str, int]:
        a = t.applications.c
        stmt = self._overdue(province, now).add_columns(a.state, sa.func.count()).group_by(a.state)
        return {_STAGE_OF_STATE[state]: int(n) for state, n in self.conn.execute(stmt)}

    def overdue_filings(self, province: str | None, now: dt.datetime, limit: int) -> list[OverdueFiling]:
        a, p = t.applications.c, t.programs.c
        stmt = (self._overdue(province, now)
                .outerjoin(t.programs, p.id == a.program_id)
                .add_columns(a.id, a.state, a.province, a.due_at, p.name, p.appid)
                .order_by(a.due_at, a.id).limit(limit))
        return [OverdueFiling(r.id, _STAGE_OF_STATE[r.state], r.province, r.name or "", r.appid or "", r.due_at)
                for r in self.conn.execute(stmt)]

    def breaches_by_week(self, flt: StatsFilter, origin: dt.datetime) -> list[BreachCount]:
        """Deadline breaches, per stage and per week counted from `origin` (week 0); `flt` should start no
        earlier than `origin`. A breach is the overdue alert the worker records, dated by the deadline it
        names (`data.due_at`), so a worker that was down records late but counts in the right week."""
        e, a = t.events.c, t.applications.c
        if self._sqlite:
            # julianday() reads both the ISO text of data.due_at (with its offset) and the stored UTC column
            due: Any = sa.func.julianday(sa.func.coalesce(
                sa.func.nullif(sa.func.json_extract(e.data, "$.due_at"), ""), e.at))
            week: Any = sa.cast((due - sa.func.julianday(_moment(origin))) / 7, sa.Integer)
            since = None if flt.since is None else due >= sa.func.julianday(_moment(flt.since))
            until = None if flt.until is None else due < sa.func.julianday(_moment(flt.until))
        else:
            due = sa.func.coalesce(sa.cast(sa.func.nullif(e.data["due_at"].as_string(), ""), t.UtcDateTime()), e.at)
            week = sa.cast(sa.func.floor(sa.extract("epoch", due - _moment(origin)) / _WEEK_SECONDS), sa.Integer)
            since = None if flt.since is None else due >= _moment(flt.since)
            until = None if flt.until is None else due < _moment(flt.until)
        inner = (sa.select(e.event.label("event"), week.label("week"))
                 .select_from(t.events.join(t.applications, a.id == e.application_id))
                 .where(e.event.in_(list(OVERDUE_EVENTS.values()))))
        for condition in (since, until, a.province == flt.province if flt.province else None):
            if condition is not None:
                inner = inner.where(condition)
        breaches = inner.subquery("breaches")
        stmt = sa.select(breaches.c.event, breaches.c.week, sa.func.count()).group_by(breaches.c.event, breaches.c.week)
        return [BreachCount(_STAGE_OF_EVENT[event], int(w), int(n)) for event, w, n in self.conn.execute(stmt)]

    def pending_face_tasks(self, now: dt.datetime, limit: int) -> list[PendingFaceTask]:
        """Face tasks still pending at `now`: the latest of their application (the one that counts), not
        expired, and not already completed by the simulator's plan (statuses are brought up to date lazily)."""
        f, a, p = t.face_tasks.c, t.applications.c, t.programs.c
        newer = t.face_tasks.alias("newer")
        superseded = sa.exists().where(newer.c.application_id == f.application_id, sa.or_(
            newer.c.created_at > f.created_at,
            sa.and_(newer.c.created_at == f.created_at, newer.c.task_id > f.task_id)))
        stmt = (sa.select(f.application_id, f.task_id, p.name, p.appid, f.created_at, f.expires_at)
                .select_from(t.face_tasks.join(t.applications, a.id == f.application_id)
                             .outerjoin(t.programs, p.id == a.program_id))
                .where(f.status == "pending", f.expires_at > now, ~superseded,
                       sa.or_(f.completes_at.is_(None), f.completes_at > now))
                .order_by(f.created_at, f.task_id).limit(limit))
        return [PendingFaceTask(r.application_id, r.task_id, r.name or "", r.appid or "", r.created_at, r.expires_at)
                for r in self.conn.execute(stmt)]


class SqlStatsUnitOfWork:
    """`with stats() as store:` one read-only transaction, rolled back on leaving."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def __call__(self) -> Iterator[SqlStats]:
        with self.engine.connect() as conn:
            try:
                yield SqlStats(conn)
            finally:
                if conn.in_transaction():
                    conn.rollback()
