"""Sending over real HTTP to the local stand-in, Retry-After parsing and backoff."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest

from analytics.notify.transport import HttpSender, backoff_s, parse_retry_after
from tests.alerts.conftest import NOW
from tests.alerts.slack_server import SlackServer


@pytest.fixture
def sender() -> Iterator[HttpSender]:
    s = HttpSender()
    yield s
    s.close()


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("2", 2.0), (" 0.5 ", 0.5), ("-3", 0.0), ("999999", 3600.0), (None, None), ("soon", None),
     ("Mon, 02 Mar 2026 12:00:07 GMT", 7.0)],
)  # fmt: skip
def test_parse_retry_after_reads_seconds_and_dates(header: str | None, seconds: float) -> None:
    assert parse_retry_after(header, NOW) == seconds


def test_backoff_doubles_up_to_cap_when_no_retry_after() -> None:
    assert [backoff_s(n, 1.0, 5.0, None) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_backoff_uses_retry_after_when_given() -> None:
    assert backoff_s(4, 1.0, 5.0, 2.0) == 2.0


def test_http_sender_posts_body_and_headers(slack: SlackServer, sender: HttpSender) -> None:
    result = sender.send(slack.url("/hook"), b'{"text":"hi"}', {"X-Test": "1"}, 5.0)
    (req,) = slack.requests("/hook")
    assert (result.status_code, result.ok, result.error) == (200, True, None)
    assert (req.body, req.headers["X-Test"]) == (b'{"text":"hi"}', "1")


def test_http_sender_reports_retry_after_when_rate_limited(
    slack: SlackServer, sender: HttpSender
) -> None:
    slack.script("/hook", (429, {"Retry-After": "2"}))
    result = sender.send(slack.url("/hook"), b"{}", {}, 5.0)
    assert (result.status_code, result.retry_after_s, result.retryable) == (429, 2.0, True)
    assert result.error == "HTTP 429: error"


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (503, True), (404, False),
                                                   (400, False), (410, False)])  # fmt: skip
def test_http_sender_marks_only_server_errors_retryable(
    slack: SlackServer, sender: HttpSender, status: int, retryable: bool
) -> None:
    slack.script("/hook", (status, {}))
    assert sender.send(slack.url("/hook"), b"{}", {}, 5.0).retryable is retryable


def test_http_sender_does_not_follow_redirects(slack: SlackServer, sender: HttpSender) -> None:
    slack.script("/hook", (302, {"Location": slack.url("/elsewhere")}))
    result = sender.send(slack.url("/hook"), b"{}", {}, 5.0)
    assert (result.status_code, result.ok, slack.requests("/elsewhere")) == (302, False, [])


def test_http_sender_times_out_when_receiver_never_answers(sender: HttpSender) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never reads or replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        result = sender.send(f"http://127.0.0.1:{port}/x", b"{}", {}, 0.3)
    assert (result.status_code, result.retryable) == (None, True)
    assert result.error is not None and result.error.startswith("ReadTimeout")


def test_http_sender_reports_connection_refused(sender: HttpSender) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = sender.send(f"http://127.0.0.1:{port}/x", b"{}", {}, 1.0)
    assert (result.status_code, result.retryable) == (None, True)
    assert result.error is not None and result.error.startswith("ConnectError")


def test_retry_after_date_in_past_means_now() -> None:
    assert parse_retry_after("Mon, 02 Mar 2026 11:00:00 GMT", NOW + timedelta(0)) == 0.0
