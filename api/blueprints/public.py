"""Public tracking by query code: no login, no personal data, no hint about which codes exist."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Response, current_app, request
from marshmallow import Schema, fields
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from engine.commands.pauses import instance_pauses
from engine.commands.shortfalls import instance_shortfall
from engine.exceptions import NotFoundError
from engine.models import Instance, ProcessDefinition, TaskRecord
from engine.queries import department_names, track

from ..extensions import Blueprint, db, services
from ..presenters import tracking_json

blp = Blueprint("public", __name__, url_prefix="/api/public", description="Applicant tracking")

THROTTLE_CONFIG_KEY = "ONEWINDOW_TRACK_THROTTLE"


class TrackedTaskSchema(Schema):
    name = fields.String()
    bpmn_id = fields.String(metadata={"description": "the diagram element, to colour it by state"})
    department = fields.String()
    department_name = fields.String()
    state = fields.String()
    due_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    working_days_left = fields.Integer(allow_none=True,
                                       metadata={"description": "0: due today; negative: late"})
    overdue = fields.Boolean()
    decision = fields.String(allow_none=True)
    blzt = fields.Integer(allow_none=True)
    blzt_name = fields.String(allow_none=True)
    paused = fields.Dict(allow_none=True, metadata={"description": "{kind, reason, since} while stopped"})


class TrackingSchema(Schema):
    query_code = fields.String()
    project_name = fields.String()
    status = fields.String()
    stage = fields.String()
    accepted_at = fields.String()
    completed_at = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    blzt = fields.Integer(allow_none=True)
    blzt_name = fields.String(allow_none=True)
    passed_with_shortfall = fields.Boolean()
    correction = fields.Dict(allow_none=True, metadata={"description": "the correction notice in force"})
    shortfall = fields.Dict(allow_none=True, metadata={"description": "容缺: documents still to supply"})
    tasks = fields.List(fields.Nested(TrackedTaskSchema))


@dataclass
class WrongCodeThrottle:
    """Slow down guessing: after `limit` unknown codes from one address within `window`, answer 429
    until the oldest of them ages out.

    Counted in the web process (the schema has no table for it and unknown codes are not worth a
    write); with several gunicorn workers a guesser gets at most `limit` tries per worker per window,
    which still puts the 30^12 code space far out of reach.
    """

    limit: int = 5
    window: timedelta = timedelta(minutes=10)
    max_addresses: int = 10_000
    _misses: OrderedDict[str, deque[datetime]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, address: str, now: datetime) -> None:
        """Raise 429 with Retry-After while the address has used up its wrong guesses."""
        with self._lock:
            misses = self._misses.get(address)
            if misses is None:
                return
            while misses and misses[0] <= now - self.window:
                misses.popleft()
            if len(misses) < self.limit:
                return
            retry = max(1, math.ceil((misses[0] + self.window - now).total_seconds()))
        raise TooManyRequests("too many unknown query codes from this address; please wait and try again",
                              retry_after=retry)

    def miss(self, address: str, now: datetime) -> None:
        """Count one unknown code for the address (forgetting the least recent addresses beyond the cap)."""
        with self._lock:
            self._misses.setdefault(address, deque()).append(now)
            self._misses.move_to_end(address)
            while len(self._misses) > self.max_addresses:
                self._misses.popitem(last=False)


def _throttle() -> WrongCodeThrottle:
    throttle = current_app.extensions.get(THROTTLE_CONFIG_KEY)
    if throttle is None:
        throttle = current_app.config.get(THROTTLE_CONFIG_KEY) or WrongCodeThrottle()
        current_app.extensions[THROTTLE_CONFIG_KEY] = throttle
    return throttle


def _tracked(query_code: str) -> tuple[Instance, list[TaskRecord]]:
    """Find the application, counting an unknown code against the caller's address."""
    address = request.remote_addr or "unknown"
    now = services().runtime.clock.now()
    throttle = _throttle()
    throttle.check(address, now)
    try:
        return track(db.session, query_code)
    except NotFoundError:
        throttle.miss(address, now)
        raise


@blp.route("/track/<string:query_code>", methods=["GET"])
@blp.response(200, TrackingSchema)
@blp.alt_response(404, description="unknown or malformed code (identical answers)")
@blp.alt_response(429, description="too many unknown codes from this address; see Retry-After")
def track_application(query_code: str) -> dict[str, Any]:
    """Show an application's progress to whoever holds its query code."""
    instance, tasks = _tracked(query_code)
    correction = next((p for p in instance_pauses(db.session, instance.id)
                       if p.task_id is None and p.ended_at is None), None)
    runtime = services().runtime
    return tracking_json(instance, tasks, department_names(db.session),
                         shortfall=instance_shortfall(db.session, instance.id), correction=correction,
                         now=runtime.clock.now(), calendar=runtime.calendar)


@blp.route("/track/<string:query_code>/diagram", methods=["GET"])
@blp.doc(responses={"200": {"description": "the BPMN XML of the version the application runs on",
                            "content": {"application/xml": {}}}})
@blp.alt_response(404, description="unknown or malformed code")
def track_diagram(query_code: str) -> Response:
    """Return the process diagram the application follows, for the tracking page's viewer."""
    instance, _ = _tracked(query_code)
    xml = db.session.scalar(select(ProcessDefinition.xml)
                            .where(ProcessDefinition.id == instance.definition_id))
    response = Response(xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, max-age=3600"  # a deployed version never changes
    return response
