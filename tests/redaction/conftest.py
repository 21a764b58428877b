"""One default redactor per test session: loading Presidio and spaCy takes about a second."""

from __future__ import annotations

import pytest

from instrument.redaction import RedactionConfig, Redactor


@pytest.fixture(scope="session")
def redactor() -> Redactor:
    return Redactor(RedactionConfig())
