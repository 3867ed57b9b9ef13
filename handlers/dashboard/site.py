"""The dashboard's pages under /dashboard, served by `pmo-bot serve` beside Slack's endpoints.

Pages are rendered on the server (Jinja2, autoescaped) from the same domain functions and
status snapshots Slack's answers use, read in a session of the reader's own workspace, and
shown only where the visibility rule lets the reader see (as on their Home tab: the dashboard
is theirs alone). Nothing is loaded from elsewhere: the policy header says so to the browser.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from bot.fonts import cjk_font
from bot.formats import fmt_date, fmt_week
from bot.i18n import Translator
from bot.runtime import Runtime
from bot.scopes import DASHBOARD_PATH, SIGN_IN_REDIRECT_PATH
from bot.slack_client import build_web_client
from handlers.dashboard.charts import ZOOMS
from handlers.dashboard.people_page import people_page
from handlers.dashboard.portfolio import Filters, portfolio
from handlers.dashboard.project_page import project_page
from handlers.dashboard.session import Reader, Sessions, cookie_value
from handlers.dashboard.signin import SignIn, SignInError
from handlers.slack.directory import cached_names
from handlers.slack.installations import state_store
from models.core.access import Actor, may_see
from models.core.clock import utcnow
from models.core.enums import Health, Phase
from models.core.errors import ForbiddenError
from models.digests.content import iso_week
from models.projects.portfolio import project_by_key

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
STYLE_PATH = DASHBOARD_PATH + "/dashboard.css"
FONT_PATH = DASHBOARD_PATH + "/cjk-font.otf"
# The stylesheet and the font change only with the app: a day in the browser's cache.
CACHED = (("Cache-Control", "public, max-age=86400"),)
SIGN_IN_PATH = DASHBOARD_PATH + "/sign-in"
SIGN_OUT_PATH = DASHBOARD_PATH + "/sign-out"
PROJECT_PREFIX = DASHBOARD_PATH + "/projects/"
PEOPLE_PATH = DASHBOARD_PATH + "/people"
NEXT_COOKIE = "pmo-dashboard-next"
SECURITY_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
]
PRIVATE = (("Cache-Control", "no-store"),)  # a reader's pages stay out of shared caches
MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")
BOLD = re.compile(r"\*([^*\n]+)\*")
ITALIC = re.compile(r"(?<![\w])_([^_\n]+)_(?![\w])")
CODE = re.compile(r"`([^`\n]+)`")

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Answer:
    status: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = PRIVATE
    kind: str = "text/html; charset=utf-8"


def redirect(location: str, *cookies: str) -> Answer:
    sets = tuple(("Set-Cookie", cookie) for cookie in cookies)
    return Answer("303 See Other", headers=(*PRIVATE, ("Location", location), *sets))


def rich(text: str, names: Mapping[str, str]) -> Markup:
    """A line written for Slack, as HTML: escaped, mentions as names, *bold*, _italic_ and `code` kept."""
    html = str(escape(text))
    html = MENTION.sub(lambda found: str(escape(names.get(found.group(1), found.group(1)))), html)
    html = BOLD.sub(r"<strong>\1</strong>", html)
    html = ITALIC.sub(r"<em>\1</em>", html)
    return Markup(CODE.sub(r"<code>\1</code>", html))


def mentioned(lines: Iterable[str]) -> set[str]:
    return {found.group(1) for line in lines for found in MENTION.finditer(str(escape(line)))}


@cache
def shipped_font() -> bytes | None:
    """Read once: 8 MB, asked for by every browser without a Chinese font of its own."""
    path = cjk_font()
    return path.read_bytes() if path else None


def safe_next(path: str | None) -> str:
    """Where to go after signing in: only a page of the dashboard, never another site."""
    if path and path.startswith(DASHBOARD_PATH) and "//" not in path and "\\" not in path:
        return path
    return DASHBOARD_PATH


class Dashboard:
    """The WSGI application for everything under /dashboard."""

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        secret = settings.slack_client_secret.get_secret_value() if settings.slack_client_secret else ""
        self.runtime = runtime
        self.sessions = Sessions(secret, secure=(settings.pmo_public_url or "").startswith("https:"))
        self.signin = SignIn(settings, state_store(runtime.database), build_web_client(settings))
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.style = (HERE / "static" / "dashboard.css").read_bytes()

    @staticmethod
    def serves(path: str) -> bool:
        return path == DASHBOARD_PATH or path.startswith(DASHBOARD_PATH + "/")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            answer = self.answer(environ)
        except Exception:
            log.exception("a dashboard page failed")
            answer = Answer("500 Internal Server Error", b"", kind="text/plain")
        headers = [("Content-Type", answer.kind), ("Content-Length", str(len(answer.body)))]
        start_response(answer.status, headers + SECURITY_HEADERS + list(answer.headers))
        return [answer.body]

    def answer(self, environ: dict[str, Any]) -> Answer:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        cookies = environ.get("HTTP_COOKIE")
        if method == "POST" and path == SIGN_OUT_PATH:
            return self.sign_out(cookies)
        if method not in ("GET", "HEAD"):
            return Answer("405 Method Not Allowed", headers=(("Allow", "GET"),))
        public = {
            STYLE_PATH: self.stylesheet,
            FONT_PATH: self.font,
            SIGN_IN_PATH: self.start_sign_in,
            SIGN_IN_REDIRECT_PATH: self.signed_in,
        }
        if path in public:
            return public[path](query, cookies)
        reader = self.sessions.reader(cookies)
        if reader is None:
            return self.sign_in_page(path, None, self.runtime.settings.pmo_language)
        return self.reader_page(reader, path, query)

    def reader_page(self, reader: Reader, path: str, query: Mapping[str, str]) -> Answer:
        t = Translator(reader.language).literal()
        if path in (DASHBOARD_PATH, DASHBOARD_PATH + "/"):
            return self.portfolio_page(reader, t, query)
        if path.startswith(PROJECT_PREFIX):
            return self.project(reader, t, path.removeprefix(PROJECT_PREFIX), query)
        if path == PEOPLE_PATH:
            return self.people(reader, t)
        return self.message("404 Not Found", reader, t, t("dashboard.no_page"))

    def stylesheet(self, query: Mapping[str, str], cookies: str | None) -> Answer:
        return Answer("200 OK", self.style, CACHED, kind="text/css; charset=utf-8")

    def font(self, query: Mapping[str, str], cookies: str | None) -> Answer:
        """The Chinese font the app ships for its charts, for a browser that has none of its own:
        the stylesheet asks for it only for Chinese characters, after the fonts phones carry."""
        found = shipped_font()
        if found is None:
            return Answer("404 Not Found", kind="text/plain")
        return Answer("200 OK", found, CACHED, kind="font/otf")

    # -- signing in and out

    def sign_in_page(self, path: str, error: str | None, language: str, status: str = "200 OK") -> Answer:
        t = Translator(language).literal()
        target = quote(safe_next(path), safe="/")
        return self.page(status, "signin.html", None, t, error=error, start=f"{SIGN_IN_PATH}?next={target}")

    def start_sign_in(self, query: Mapping[str, str], cookies: str | None) -> Answer:
        url, state_cookie = self.signin.start()
        back = quote(safe_next(query.get("next")), safe="/")
        next_cookie = f"{NEXT_COOKIE}={back}; Path={DASHBOARD_PATH}; HttpOnly; SameSite=Lax; Max-Age=600"
        return redirect(url, state_cookie, next_cookie)

    def signed_in(self, query: Mapping[str, str], cookies: str | None) -> Answer:
        try:
            reader = self.signin.finish(query, cookies)
        except SignInError as error:
            t = Translator(self.runtime.settings.pmo_language).literal()
            answer = self.sign_in_page(DASHBOARD_PATH, t(error.key), t.language, status="400 Bad Request")
            return Answer(answer.status, answer.body, (*PRIVATE, ("Set-Cookie", self.signin.clear_cookie())))
        back = safe_next(cookie_value(cookies, NEXT_COOKIE))
        spent = f"{NEXT_COOKIE}=; Path={DASHBOARD_PATH}; HttpOnly; SameSite=Lax; Max-Age=0"
        return redirect(back, self.sessions.set_cookie(reader), self.signin.clear_cookie(), spent)

    def sign_out(self, cookies: str | None) -> Answer:
        reader = self.sessions.reader(cookies)
        language = reader.language if reader else self.runtime.settings.pmo_language
        t = Translator(language).literal()
        said = t("dashboard.signin.signed_out")
        answer = self.page("200 OK", "signin.html", None, t, error=said, start=SIGN_IN_PATH)
        return Answer(answer.status, answer.body, (*PRIVATE, ("Set-Cookie", self.sessions.clear_cookie())))

    # -- pages

    def actor(self, reader: Reader) -> Actor:
        return Actor(user_id=reader.user_id, is_admin=self.runtime.is_admin(reader.user_id))

    def portfolio_page(self, reader: Reader, t: Translator, query: Mapping[str, str]) -> Answer:
        with self.runtime.database.session(reader.team_id, write=False) as db:
            found = portfolio(db, self.actor(reader), t, Filters.read(query))
        names = found.everyone
        return self.page("200 OK", "portfolio.html", reader, t, view=found, names=names, phases=list(Phase))

    def project(self, reader: Reader, t: Translator, key: str, query: Mapping[str, str]) -> Answer:
        with self.runtime.database.session(reader.team_id, write=False) as db:
            project = project_by_key(db, key.upper()) if key.isalnum() else None
            if project is None:
                return self.message("404 Not Found", reader, t, t("dashboard.not_found", key=key))
            if not may_see(db, project, self.actor(reader)):
                return self.message("403 Forbidden", reader, t, t("access.private", key=project.key))
            view = project_page(db, project, t, zoom=query.get("zoom", ""), reader=reader.user_id)
            lines = [line for group in view.status for line in group]
            lines += view.issues + view.changes + view.audit
            charter = {user_id for user_id in (project.manager_id, project.sponsor_id) if user_id}
            names = cached_names(db, mentioned(lines) | charter)
            return self.page("200 OK", "project.html", reader, t, view=view, names=names, zooms=list(ZOOMS))

    def people(self, reader: Reader, t: Translator) -> Answer:
        try:
            with self.runtime.database.session(reader.team_id, write=False) as db:
                view = people_page(db, self.actor(reader), utcnow().date())
        except ForbiddenError as error:
            return self.message("403 Forbidden", reader, t, t(error.key, **error.params))
        return self.page("200 OK", "people.html", reader, t, view=view)

    def message(self, status: str, reader: Reader, t: Translator, text: str) -> Answer:
        return self.page(status, "message.html", reader, t, message=text)

    def page(self, status: str, template: str, reader: Reader | None, t: Translator, **values: Any) -> Answer:
        names: Mapping[str, str] = values.get("names", {})
        html = self.templates.get_template(template).render(
            t=t,
            reader=reader,
            lang=t.language,
            rich=lambda text: rich(text, names),
            name_of=lambda user_id: names.get(user_id or "", user_id or t("dashboard.none")),
            fmt_date=lambda day: fmt_date(day, t),
            fmt_week=lambda day: fmt_week(iso_week(day), t),
            admin=reader is not None and self.runtime.is_admin(reader.user_id),
            people_url=PEOPLE_PATH,
            health=list(Health),
            style=STYLE_PATH,
            home=DASHBOARD_PATH,
            sign_out=SIGN_OUT_PATH,
            project_url=lambda key: PROJECT_PREFIX + key,
            **values,
        )
        return Answer(status, html.encode())
