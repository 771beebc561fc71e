"""The staff console: web pages for regions, associations and headquarters, on the same services
as the bot (aiohttp, Jinja2 templates, htmx shipped in `static/`; nothing from a CDN).

`build(...)` makes the aiohttp application served under `/console`; `pishkhan console serve`
runs it alone, and `mount_if_configured` adds it to the webhook's server when
`PISHKHAN_CONSOLE_BASE_URL` is set. Modules: `web` (the application, sessions, CSRF, security
headers), `pages` (the queue and a declaration), `actions` (the reviewer's forms), `stats`
(statistics and the audit log), `hq` and `hq_results` (headquarters' periods, rubric, results
and corrections), `exports` (headquarters' downloads), `render` (templates, Jalali dates,
Persian digits).
"""

from console.web import PREFIX, build, mount, mount_if_configured

__all__ = ["PREFIX", "build", "mount", "mount_if_configured"]
