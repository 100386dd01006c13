"""Every API operation a role may call is reachable from one of that role's pages, or is listed below
as API-only with the reason.

The pages' ES modules are read statically: an entry module (the one a page template loads), every
module it imports, the roles its `requireSession([...])` admits (none: a public page), and the URLs
it sends: `api("POST", `/api/tasks/${id}/claim`)` pairs a method with a URL; a URL written elsewhere
in a module (an image's src, a link, a path built into a variable) counts as a GET and as each method
the module sends to a computed path. Operations are read from the app's own routes, with the roles
their `requires(...)` admits. An operation open to every signed-in role (the engine then narrows it
to a department or an assignee) needs one signed-in page that reaches it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from flask import Flask

from engine.models import ROLES

STATIC = Path(__file__).resolve().parent.parent / "api" / "static" / "js"
ENTRY_MODULE = re.compile(r"pages/[a-z_/]+\.js")
IMPORT = re.compile(r"""from\s+["'](\.{1,2}/[^"']+)["']""")
ROLES_OF_PAGE = re.compile(r"requireSession\(\[([^\]]*)\]")
CALL = re.compile(r"""\bapi(?:Raw)?\(\s*["'](GET|POST|PUT|PATCH|DELETE)["']\s*,\s*(`[^`]*`|"[^"]*"|'[^']*')?""")
URL = re.compile(r"""`(/api/[^`]*)`|"(/api/[^"]*)"|'(/api/[^']*)'""")
PLACEHOLDER = re.compile(r"\$\{(?:[^{}]|\{[^{}]*\})*\}")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# (method, rule) -> why no page sends it. Kept short on purpose: each line is a promise that a real
# user of that role has no need of a page for it.
API_ONLY: dict[tuple[str, str], str] = {
    ("GET", "/api/health"): "负载均衡与监控探活用，不面向用户",
    ("GET", "/api/auth/me"): "集成系统核对令牌身份；页面从 /ui/session 取当前用户",
    ("GET", "/api/tasks/<string:task_id>/extensions"): "办理页从办件详情的 extensions 读取同样的记录",
    ("GET", "/api/extensions"): "负责人在待办页审批；管理员和监察局只在排查时调用（监察局看办件详情）",
    ("GET", "/api/inquiries/instance/<int:instance_id>"): "管理员排查用；办理页面向办理人员",
    ("GET", "/api/public/selections"): "效能公示页由服务器渲染同样的评选结果；接口供门户网站引用",
    ("GET", "/api/admin/incidents"): "流程故障由管理员在故障页处置；监察局从故障预警和办件详情得知",
    # The bureau's video pages (camera wall, each camera's events) belong to the video-monitoring work
    # still open; today the bureau sees video evidence inside each video alert.
    ("GET", "/api/cameras"): "监察局的摄像头墙尚未建设（视频监控议题）；管理员在摄像头页使用",
    ("GET", "/api/cameras/<int:camera_id>"): "摄像头页从列表读取配置；单个读取供集成和脚本使用",
    ("GET", "/api/cameras/<int:camera_id>/events"): "事件列表页尚未建设（视频监控议题）；事件经预警呈现",
    ("GET", "/api/cameras/<int:camera_id>/frame"): "监察局的实时画面尚未建设（视频监控议题）；管理员在摄像头页查看",
}


def _literal(text: str) -> str:
    return text[1:-1]


def _pattern(template: str) -> re.Pattern[str]:
    """A URL as the module writes it, as a regex: a `${...}` part is one path segment or more."""
    path = template.split("?", 1)[0]
    parts = PLACEHOLDER.split(path)
    return re.compile("[^?]+".join(re.escape(p) for p in parts) + r"(\?.*)?")


def _sends(source: str) -> set[tuple[str, str]]:
    """(method, URL template) pairs a module sends."""
    paired: set[tuple[str, str]] = set()
    computed_methods: set[str] = set()
    for match in CALL.finditer(source):
        method, literal = match.group(1), match.group(2)
        if literal and _literal(literal).startswith("/api/"):
            paired.add((method, _literal(literal)))
        else:
            computed_methods.add(method)
    for match in URL.finditer(source):
        url = next(g for g in match.groups() if g is not None)
        if not any(url == template for _, template in paired):
            paired |= {(m, url) for m in {"GET", *computed_methods}}
    return paired


def _module_graph() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in STATIC.rglob("*.js") if "vendor" not in path.parts}


def _closure(entry: Path, sources: dict[Path, str]) -> set[Path]:
    seen: set[Path] = set()
    todo = [entry]
    while todo:
        module = todo.pop()
        if module in seen or module not in sources:
            continue
        seen.add(module)
        todo += [(module.parent / spec).resolve() for spec in IMPORT.findall(sources[module])]
    return seen


def _entry_modules() -> set[Path]:
    ui = Path(__file__).resolve().parent.parent / "api"
    texts = [p.read_text(encoding="utf-8") for p in [*ui.joinpath("ui").rglob("*.py"), *ui.joinpath("templates").rglob("*.html")]]
    return {(STATIC / name).resolve() for text in texts for name in ENTRY_MODULE.findall(text)}


def pages_and_what_they_send() -> dict[Path, tuple[frozenset[str] | None, set[tuple[str, str]]]]:
    """Entry module -> (roles it admits, None for a public page; what it and its imports send)."""
    sources = {p.resolve(): s for p, s in _module_graph().items()}
    found = {}
    for entry in sorted(_entry_modules()):
        assert entry in sources, f"a page loads {entry}, which does not exist"
        declared = ROLES_OF_PAGE.search(sources[entry])
        roles = frozenset(re.findall(r"\w+", declared.group(1))) if declared else None
        sends = set().union(*(_sends(sources[m]) for m in _closure(entry, sources)))
        found[entry] = (roles, sends)
    return found


def operations(app: Flask) -> dict[tuple[str, str], tuple[str, ...] | None]:
    """(method, rule) -> the roles `requires` admits ((): any signed-in role; None: public)."""
    found = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule.startswith(("/api/openapi", "/api/docs")):
            continue
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        for method in sorted((rule.methods or set()) & set(METHODS)):
            found[(method, rule.rule)] = roles
    return found


def _sample(rule: str) -> str:
    return re.sub(r"<[^>]+>", "x1", rule)


def _reaches(sends: Iterable[tuple[str, str]], method: str, rule: str) -> bool:
    sample = _sample(rule)
    return any(m == method and _pattern(template).fullmatch(sample) for m, template in sends)


def test_every_operation_is_reachable_from_a_page_of_each_role_that_may_call_it(app: Flask) -> None:
    pages = pages_and_what_they_send()
    missing: list[str] = []
    for (method, rule), roles in sorted(operations(app).items()):
        if (method, rule) in API_ONLY:
            continue
        reaching = [page_roles for page_roles, sends in pages.values() if _reaches(sends, method, rule)]
        if roles is None or roles == ():
            if not reaching:
                missing.append(f"{method} {rule}（{'公开' if roles is None else '任何登录角色'}）")
            continue
        for role in roles:
            if not any(page_roles is None or role in page_roles for page_roles in reaching):
                missing.append(f"{method} {rule}（{role}）")
    assert not missing, "没有页面能做到的操作：\n" + "\n".join(missing)


def test_the_api_only_list_names_real_operations(app: Flask) -> None:
    known = operations(app)
    assert all(key in known for key in API_ONLY), [key for key in API_ONLY if key not in known]


def test_the_reading_of_modules_sees_a_paired_call_and_a_computed_one() -> None:
    source = 'await api("POST", `/api/tasks/${task.id}/claim`);\nconst url = `/api/things/${id}`;\n' \
             'await api("DELETE", url);'
    sends = _sends(source)
    assert ("POST", "/api/tasks/${task.id}/claim") in sends
    assert {("GET", "/api/things/${id}"), ("DELETE", "/api/things/${id}")} <= sends
    assert _reaches(sends, "POST", "/api/tasks/<string:task_id>/claim")
    assert not _reaches(sends, "POST", "/api/tasks/<string:task_id>/complete")
    assert all(role in ROLES for page_roles, _ in pages_and_what_they_send().values() for role in page_roles or ())
