"""Filters live in the URL query string, so a link (from a Slack alert, say) opens the same view.

The time window is `window` (1h, 6h, 24h, 7d, 30d) ending at `until` (ISO time; default now,
floored to the minute so a minute's reruns share cached answers). A link with `since` (and
`until`), as alert notifications send, opens exactly that window instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import streamlit as st

# label -> (length, time-series bucket)
WINDOWS: dict[str, tuple[timedelta, str]] = {
    "1h": (timedelta(hours=1), "minute"),
    "6h": (timedelta(hours=6), "hour"),
    "24h": (timedelta(hours=24), "hour"),
    "7d": (timedelta(days=7), "day"),
    "30d": (timedelta(days=30), "day"),
}
DEFAULT_WINDOW = "24h"


@dataclass(frozen=True)
class Window:
    label: str
    since: datetime
    until: datetime
    bucket: str

    def params(self) -> dict[str, str]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}


def make_window(label: str, until: datetime | None = None) -> Window:
    length, bucket = WINDOWS.get(label, WINDOWS[DEFAULT_WINDOW])
    label = label if label in WINDOWS else DEFAULT_WINDOW
    end = until or datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return Window(label, end - length, end, bucket)


def custom_window(since: datetime, until: datetime | None) -> Window:
    end = until or make_window(DEFAULT_WINDOW).until
    length = end - since
    bucket = ("minute" if length <= timedelta(hours=2)
              else "hour" if length <= timedelta(days=3) else "day")  # fmt: skip
    return Window("custom", since, end, bucket)


def parse_until(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace(" ", "+"))  # '+' arrives as a space
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def window_picker() -> Window:
    """The window control (top of the page), kept in the URL."""
    since = parse_until(st.query_params.get("since"))
    if since is not None:
        return linked_window(since)
    current = st.query_params.get("window", DEFAULT_WINDOW)
    options = list(WINDOWS)
    label = st.segmented_control(
        "Window", options, default=current if current in WINDOWS else DEFAULT_WINDOW,
        key="window_control", label_visibility="collapsed", required=True,
    )  # fmt: skip
    set_param("window", None if label == DEFAULT_WINDOW else label)
    return make_window(label or DEFAULT_WINDOW, parse_until(st.query_params.get("until")))


def linked_window(since: datetime) -> Window:
    w = custom_window(since, parse_until(st.query_params.get("until")))
    left, right = st.columns([4, 1])
    since, until = w.since.astimezone(UTC), w.until.astimezone(UTC)
    left.caption(f"Window from the link: {since:%Y-%m-%d %H:%M} → {until:%Y-%m-%d %H:%M} UTC")
    if right.button("Back to presets", key="clear_window", type="tertiary"):
        set_param("since", None)
        set_param("until", None)
        st.rerun()
    return w


def set_param(name: str, value: str | None) -> None:
    if value:
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]


def text_filter(column, name: str, label: str, placeholder: str = "") -> str:
    """A text box whose value is the query parameter `name`."""
    value = column.text_input(label, value=st.query_params.get(name, ""), key=f"f_{name}",
                              placeholder=placeholder)  # fmt: skip
    set_param(name, value.strip())
    return value.strip()


def select_filter(column, name: str, label: str, options: list[str]) -> str:
    current = st.query_params.get(name, "")
    choices = ["", *options]
    value = column.selectbox(label, choices, index=choices.index(current) if current in choices
                             else 0, key=f"f_{name}", format_func=lambda v: v or "any")  # fmt: skip
    set_param(name, value)
    return value
