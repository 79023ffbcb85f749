"""The sample report rendered once for the session; tests read it back with python-docx."""

from __future__ import annotations

import pytest

from reports.document import compose
from reports.render import render_report
from tests.reports import docx_read, sample


@pytest.fixture(scope="session")
def sample_data():
    return sample.report()


@pytest.fixture(scope="session")
def sample_docx(sample_data) -> bytes:
    return render_report(sample_data, compose(sample_data), sample.ISSUE)


@pytest.fixture(scope="session")
def sample_draft_docx(sample_data) -> bytes:
    return render_report(sample_data, compose(sample_data), None)


@pytest.fixture
def document(sample_docx):
    """The issued sample, parsed afresh for each test, so no test sees another's edits."""
    return docx_read.load(sample_docx)


@pytest.fixture
def draft(sample_draft_docx):
    """The sample as a draft: every heading of the outline, what staff are still to write marked."""
    return docx_read.load(sample_draft_docx)
