"""The camera configuration: one strict schema (unknown keys refused, every field bounded) and its types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

__all__ = ["DAY_NAMES", "SOURCE_KINDS", "ZONE_TYPES", "CameraConfig", "CameraConfigSchema", "DayHours",
           "RuleSettings", "ScheduleConfig", "Zone", "default_days", "dump_camera_config",
           "load_camera_config"]

ZONE_TYPES = ("seat", "chair", "waiting_area")
SOURCE_KINDS = ("file", "stream", "snapshot", "folder")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_POINTS = 64
STREAM_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://")


@dataclass(frozen=True)
class Zone:
    """A polygon in relative coordinates (0..1 of width and height) and how to judge it occupied."""

    name: str
    type: str
    polygon: tuple[tuple[float, float], ...]
    occupied_on: float = 0.15
    occupied_off: float = 0.07
    min_duration_s: float = 3.0
    motion_threshold: float = 0.004


@dataclass(frozen=True)
class RuleSettings:
    """Per-camera rule parameters; defaults are (N=10 min, M=15 min, K=15, T=120 s)."""

    off_post_s: float = 600.0
    asleep_s: float = 900.0
    crowding_count: int = 15
    crowding_s: float = 120.0
    cooldown_s: float = 300.0
    off_post: bool = True
    asleep: bool = True
    crowding: bool = True


@dataclass(frozen=True)
class DayHours:
    """Opening hours of one weekday with an optional lunch break, as local "HH:MM" strings."""

    open: str
    close: str
    lunch_start: str | None = None
    lunch_end: str | None = None


@dataclass(frozen=True)
class ScheduleConfig:
    """When the rules apply: hours per weekday, and whether the working-day calendar decides days."""

    days: dict[str, DayHours | None]
    use_calendar: bool = True
    always: bool = False


@dataclass(frozen=True)
class CameraConfig:
    """Everything the pipeline needs to watch one camera."""

    name: str
    department: str
    source: str
    source_kind: str
    sample_rate: float = 1.0
    offline_after_s: float = 30.0
    zones: tuple[Zone, ...] = ()
    rules: RuleSettings = field(default_factory=RuleSettings)
    schedule: ScheduleConfig = field(default_factory=lambda: ScheduleConfig(days=default_days()))
    analysis_width: int = 640

    def zones_of(self, kind: str) -> list[Zone]:
        """Return the zones of one type, in configuration order."""
        return [z for z in self.zones if z.type == kind]


def default_days() -> dict[str, DayHours | None]:
    """Monday to Friday 08:30–17:30 with lunch 12:00–13:30; weekends closed."""
    hours = DayHours("08:30", "17:30", "12:00", "13:30")
    return {name: (hours if name not in ("sat", "sun") else None) for name in DAY_NAMES}


_HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="须为本地时间，格式 HH:MM（如 08:30）")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class DayHoursSchema(_Strict):
    open = fields.String(required=True, validate=_HHMM, metadata={"description": "opening time, HH:MM"})
    close = fields.String(required=True, validate=_HHMM, metadata={"description": "closing time, HH:MM"})
    lunch_start = fields.String(load_default=None, allow_none=True, validate=_HHMM,
                                metadata={"description": "lunch break start, HH:MM (null: no break)"})
    lunch_end = fields.String(load_default=None, allow_none=True, validate=_HHMM,
                              metadata={"description": "lunch break end, HH:MM"})

    @validates_schema
    def _order(self, data: dict[str, Any], **_: Any) -> None:
        if data["open"] >= data["close"]:
            raise ValidationError("结束时间须晚于开始时间", field_name="close")
        start, end = data.get("lunch_start"), data.get("lunch_end")
        if (start is None) != (end is None):
            raise ValidationError("午休开始时间和结束时间须同时填写", field_name="lunch_end")
        if start is not None and not (data["open"] <= start < end <= data["close"]):
            raise ValidationError("午休时间须在办公时间之内",
                                  field_name="lunch_start")

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> DayHours:
        return DayHours(**data)


class ScheduleSchema(_Strict):
    days = fields.Dict(keys=fields.String(validate=validate.OneOf(DAY_NAMES)),
                       values=fields.Nested(DayHoursSchema, allow_none=True), load_default=None,
                       metadata={"description": "hours per weekday (mon..sun); null or absent: closed. "
                                                "Default Mon–Fri 08:30–17:30, lunch 12:00–13:30"})
    use_calendar = fields.Boolean(load_default=True, metadata={
        "description": "holidays off and adjusted working weekends on (the working-day calendar)"})
    always = fields.Boolean(load_default=False,
                            metadata={"description": "watch at every hour (demo, 24h halls)"})

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> ScheduleConfig:
        given = data["days"]
        days = default_days() if given is None else {name: given.get(name) for name in DAY_NAMES}
        return ScheduleConfig(days=days, use_calendar=data["use_calendar"], always=data["always"])


class RulesSchema(_Strict):
    off_post_s = fields.Float(load_default=600.0, validate=validate.Range(min=1, max=86_400), metadata={
        "description": "N: seconds a seat may stay empty in working hours before 离岗 (default 10 min)"})
    asleep_s = fields.Float(load_default=900.0, validate=validate.Range(min=1, max=86_400), metadata={
        "description": "M: seconds occupied with almost no motion before 睡岗 (default 15 min)"})
    crowding_count = fields.Integer(load_default=15, strict=True, validate=validate.Range(min=1, max=500),
                                    metadata={"description": "K: occupied chairs that make the hall crowded"})
    crowding_s = fields.Float(load_default=120.0, validate=validate.Range(min=1, max=86_400), metadata={
        "description": "T: seconds the count must stay at or above K (default 120)"})
    cooldown_s = fields.Float(load_default=300.0, validate=validate.Range(min=0, max=86_400), metadata={
        "description": "after an event ends, seconds before the same rule on the same zone may start again"})
    off_post = fields.Boolean(load_default=True, metadata={"description": "watch seats for 离岗"})
    asleep = fields.Boolean(load_default=True, metadata={"description": "watch seats for 睡岗"})
    crowding = fields.Boolean(load_default=True, metadata={"description": "count occupied chairs"})

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> RuleSettings:
        return RuleSettings(**data)


def _polygon_problem(points: list[list[float]]) -> str | None:
    """Say what is wrong with a polygon, or None: ≥3 points in 0..1, non-zero area, no self-crossing."""
    if len(points) < 3 or len(points) > MAX_POINTS:
        return f"区域范围须有3至{MAX_POINTS}个点"
    for point in points:
        if len(point) != 2:
            return "每个点须为 [x, y]"
        if not all(0.0 <= c <= 1.0 for c in point):
            return "坐标按画面宽、高的比例计，须在0至1之间"
    edges = list(zip(points, points[1:] + points[:1], strict=True))
    for i, (a, b) in enumerate(edges):
        for j in range(i + 2, len(edges)):
            if i == 0 and j == len(edges) - 1:
                continue  # neighbours through the closing edge
            if _segments_cross(a, b, *edges[j]):
                return "区域范围的边相互交叉"
    area = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        area += x1 * y2 - x2 * y1
    if abs(area) / 2 < 1e-4:
        return "区域范围（几乎）没有面积"
    return None


def _segments_cross(p1: list[float], p2: list[float], p3: list[float], p4: list[float]) -> bool:
    def orient(a: list[float], b: list[float], c: list[float]) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2, d3, d4 = orient(p3, p4, p1), orient(p3, p4, p2), orient(p1, p2, p3), orient(p1, p2, p4)
    return d1 * d2 < 0 and d3 * d4 < 0


ZONE_NAME_PATTERN = r"^[0-9A-Za-z_\u3400-\u4dbf\u4e00-\u9fff\-. ]+$"


class ZoneSchema(_Strict):
    name = fields.String(required=True,
                         validate=[validate.Length(min=1, max=40),
                                   # Spelt out, not \w: JSON Schema's \w is ASCII, Python's is all of
                                   # Unicode, and the published pattern must be the one checked.
                                   validate.Regexp(ZONE_NAME_PATTERN,
                                                   error="只能由汉字、字母、数字、空格和 _-. 组成")],
                         metadata={"description": "unique within the camera, e.g. 窗口工位, 等候座椅3"})
    type = fields.String(required=True, validate=validate.OneOf(ZONE_TYPES),
                         metadata={"description": "seat (staff seat), chair (waiting chair), waiting_area"})
    polygon = fields.List(fields.List(fields.Float(allow_nan=False)), required=True,
                          metadata={"description": "[[x, y], ...] relative to width and height (0..1)"})
    occupied_on = fields.Float(load_default=0.15, validate=validate.Range(min=0.01, max=1), metadata={
        "description": "share of the zone differing from the empty reference that means occupied"})
    occupied_off = fields.Float(load_default=0.07, validate=validate.Range(min=0, max=1), metadata={
        "description": "share below which an occupied zone counts as empty again (hysteresis)"})
    min_duration_s = fields.Float(load_default=3.0, validate=validate.Range(min=0, max=600), metadata={
        "description": "seconds a change must persist before the zone's state flips"})
    motion_threshold = fields.Float(load_default=0.004, validate=validate.Range(min=0, max=1), metadata={
        "description": "share of the zone moving between samples below which a sitter counts as still"})

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        problem = _polygon_problem(data.get("polygon", []))
        if problem:
            raise ValidationError(problem, field_name="polygon")
        if data.get("occupied_off", 0) >= data.get("occupied_on", 1):
            raise ValidationError("须小于占用阈值（occupied_on）", field_name="occupied_off")

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Zone:
        polygon = tuple((float(x), float(y)) for x, y in data.pop("polygon"))
        return Zone(polygon=polygon, **data)


class CameraConfigSchema(_Strict):
    """A camera as an administrator registers it: where it looks, which zones it watches."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=100),
                         metadata={"description": "e.g. 综合窗口 1号窗"})
    department = fields.String(required=True, validate=validate.Length(min=1, max=32),
                               metadata={"description": "code of the department whose window it watches"})
    source = fields.String(required=True, validate=validate.Length(min=1, max=1000), metadata={
        "description": "a video file path, rtsp:// or http(s):// stream, JPEG snapshot URL, or image folder"})
    source_kind = fields.String(required=True, validate=validate.OneOf(SOURCE_KINDS),
                                metadata={"description": "file, stream, snapshot or folder"})
    sample_rate = fields.Float(load_default=1.0, validate=validate.Range(min=0.05, max=10), metadata={
        "description": "frames analysed per second"})
    offline_after_s = fields.Float(load_default=30.0, validate=validate.Range(min=2, max=3600), metadata={
        "description": "seconds without a frame before the camera counts as offline"})
    analysis_width = fields.Integer(load_default=640, strict=True, validate=validate.Range(min=80, max=1920),
                                    metadata={"description": "frames wider than this are scaled down first"})
    zones = fields.List(fields.Nested(ZoneSchema), required=True, validate=validate.Length(min=1, max=64),
                        metadata={"description": "the seat(s) and waiting chairs to watch"})
    rules = fields.Nested(RulesSchema, load_default=lambda: RuleSettings(), metadata={
        "description": "rule parameters (the defaults apply to what is left out)"})
    schedule = fields.Nested(ScheduleSchema, load_default=lambda: ScheduleConfig(days=default_days()),
                             metadata={"description": "working hours"})

    @validates_schema
    def _source_fits_kind(self, data: dict[str, Any], **_: Any) -> None:
        source, kind = data.get("source", ""), data.get("source_kind")
        is_url = "://" in source
        if kind == "snapshot" and not source.startswith(("http://", "https://")):
            raise ValidationError("快照视频源须为 http:// 或 https:// 地址", field_name="source")
        if kind == "stream" and not source.startswith(STREAM_SCHEMES):
            raise ValidationError(f"视频流地址须以下列之一开头：{'、'.join(STREAM_SCHEMES)}",
                                  field_name="source")
        if kind in ("file", "folder") and is_url:
            label = "视频文件" if kind == "file" else "图片文件夹"
            raise ValidationError(f"{label}视频源须为视频监察服务器上的路径，不能是网址", field_name="source")

    @validates_schema
    def _unique_zones(self, data: dict[str, Any], **_: Any) -> None:
        names = [z.name for z in data.get("zones", [])]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValidationError(f"监控区域名称不能重复：{'、'.join(duplicates)}", field_name="zones")

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> CameraConfig:
        return CameraConfig(**{**data, "zones": tuple(data["zones"])})


def load_camera_config(raw: dict[str, Any]) -> CameraConfig:
    """Validate a camera's JSON configuration; raises marshmallow.ValidationError naming each field."""
    return CameraConfigSchema().load(raw)


def dump_camera_config(config: CameraConfig) -> dict[str, Any]:
    """Return the JSON form of a configuration (what the registry stores and the API returns)."""
    def zone(z: Zone) -> dict[str, Any]:
        return {"name": z.name, "type": z.type, "polygon": [list(p) for p in z.polygon],
                "occupied_on": z.occupied_on, "occupied_off": z.occupied_off,
                "min_duration_s": z.min_duration_s, "motion_threshold": z.motion_threshold}

    def day(h: DayHours | None) -> dict[str, Any] | None:
        return None if h is None else {"open": h.open, "close": h.close, "lunch_start": h.lunch_start,
                                       "lunch_end": h.lunch_end}

    r = config.rules
    return {
        "name": config.name, "department": config.department, "source": config.source,
        "source_kind": config.source_kind, "sample_rate": config.sample_rate,
        "offline_after_s": config.offline_after_s, "analysis_width": config.analysis_width,
        "zones": [zone(z) for z in config.zones],
        "rules": {"off_post_s": r.off_post_s, "asleep_s": r.asleep_s, "crowding_count": r.crowding_count,
                  "crowding_s": r.crowding_s, "cooldown_s": r.cooldown_s, "off_post": r.off_post,
                  "asleep": r.asleep, "crowding": r.crowding},
        "schedule": {"days": {n: day(h) for n, h in config.schedule.days.items()},
                     "use_calendar": config.schedule.use_calendar, "always": config.schedule.always},
    }

