"""The bounded in-memory hand-off: drops are exact and the caller never waits."""

from __future__ import annotations

import threading

from instrument.delivery.buffer import SpanBuffer


def test_offer_drops_overflow_and_counts_when_full() -> None:
    buffer: SpanBuffer[int] = SpanBuffer(10)
    assert buffer.offer(list(range(25))) == 15
    assert buffer.offer([99]) == 1
    assert (buffer.dropped, buffer.accepted, len(buffer)) == (16, 10, 10)


def test_take_returns_full_batch_without_lingering_when_enough_queued() -> None:
    buffer: SpanBuffer[int] = SpanBuffer(100)
    buffer.offer(list(range(7)))
    assert buffer.take(5, linger_s=3600) == [0, 1, 2, 3, 4]
    buffer.hurry()
    assert buffer.take(5, linger_s=3600) == [5, 6]


def test_take_returns_empty_when_closed_and_drained() -> None:
    buffer: SpanBuffer[int] = SpanBuffer(100)
    buffer.offer([1, 2])
    buffer.close()
    assert buffer.take(10, linger_s=3600) == [1, 2]
    assert buffer.take(10, linger_s=3600) == []


def test_wait_done_returns_when_writer_finishes() -> None:
    buffer: SpanBuffer[int] = SpanBuffer(100)
    buffer.offer([1, 2, 3])
    assert buffer.wait_done(3, timeout=0) is False
    worker = threading.Thread(target=lambda: buffer.finished(len(buffer.take(10, 3600))))
    buffer.hurry()
    worker.start()
    assert buffer.wait_done(3, timeout=30) is True
    worker.join()
    assert buffer.done == 3
