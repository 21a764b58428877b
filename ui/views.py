"""Shared page pieces: headers, API error boxes, empty states, number formats, KPI tiles."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.api_client import ApiError, NotAvailable
from ui.data import client, fetch

NEEDS_ADMIN = ("needs an admin key: paste one in the sidebar, or start the console with "
               "TRACEVAULT_UI_ADMIN_KEY.")


def header(title: str, caption: str) -> None:
    st.title(title)
    st.caption(caption)


def must_get(path: str, admin: bool = False, **params: Any) -> Any:
    """The page's main data: on failure, a readable message and the page stops there."""
    try:
        return fetch(path, admin=admin, **params)
    except ApiError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()


def section_get(path: str, what: str, admin: bool = False, **params: Any) -> Any | None:
    """A section's data: on failure, a message in place of the section; the page goes on."""
    if admin and not client().admin_key:
        st.info(f"{what} {NEEDS_ADMIN}", icon=":material/key:")
        return None
    try:
        return fetch(path, admin=admin, **params)
    except NotAvailable:
        st.info(f"{what} is not available on this collector (no `{path}` route). "
                "Upgrade the collector to see it.", icon=":material/extension_off:")  # fmt: skip
    except ApiError as exc:
        st.error(f"{what}: {exc}", icon=":material/error:")
    return None


def empty_state(what: str) -> None:
    """What a new user does next: patch an agent, pointed at this collector."""
    url = client().base_url
    st.info(f"No {what} in this window yet. Send traces from an agent:", icon=":material/rocket:")
    st.code(
        "import instrument\n"
        f'instrument.patch(endpoint="{url}", api_key="<ingest key>")\n\n'
        "# an ingest key for your project (needs an admin key):\n"
        f"# tracevault keys create --project <project> --role ingest --api {url}",
        language="python",
    )


def money(value: float | None) -> str:
    if value is None:
        return "–"
    return f"${value:,.4f}" if abs(value) < 1 else f"${value:,.2f}"


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f} ms" if value < 10_000 else f"{value / 1000:,.1f} s"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def count(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def delta(current: float | None, previous: float | None, fmt: str = "rel") -> str | None:
    """Change against the previous window: relative in %, or points for rates."""
    if current is None or previous is None:
        return None
    if fmt == "pts":
        return f"{(current - previous) * 100:+.1f} pts"
    if previous == 0:
        return None if current == 0 else "new"
    return f"{(current - previous) / previous * 100:+.1f}%"


def kpi(column: Any, label: str, value: str, change: str | None, inverse: bool = False,
        series: list[float] | None = None, help_text: str | None = None) -> None:  # fmt: skip
    column.metric(label, value, change, delta_color="inverse" if inverse else "normal",
                  border=True, chart_data=series or None, help=help_text)  # fmt: skip
