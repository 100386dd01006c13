"""Selections in the browser: the bureau proposes by the rules, confirms a 服务之星, and the public
效能公示 page shows it; a month still running is refused by name.

The live server's clock is pinned in December 2026 and its demo data has no finished month with
rated work, so the November candidate is arranged in its database as the rules would have proposed
it (the rules themselves are tested over HTTP in tests/test_selections.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def _arrange_candidate(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO selection (kind, period, subject, department_code, rank, figures, status, proposed_at) "
            "VALUES ('service_star', '2026-11', 'window1', 'zwfw', 1, :figures, 'proposed', :at)"),
            {"figures": '{"registered": 42, "rated": 30, "satisfied": 30, "satisfaction_rate": 1.0, '
                        '"acceptance_rate": 1.0}', "at": datetime(2026, 12, 1, 2, 0, tzinfo=UTC)})
    engine.dispose()


def test_the_bureau_confirms_a_star_and_the_public_reads_it(desktop, phone, live_url: str,
                                                              live_database_url: str) -> None:
    login(desktop, live_url, "jiancha")
    desktop.click("#area-tabs a[data-section=selections]")
    form = "#selection-form"
    desktop.wait_for_selector(f"{form} input[name=month]")
    desktop.fill(f"{form} input[name=month]", "2026-12")  # still running
    desktop.click(f"{form} button[type=submit]")
    desktop.wait_for_selector(f"{form} .form-error:not([hidden])")
    assert "服务之星按已结束的月份评选" in desktop.inner_text(f"{form}")
    shot(desktop, "selections-refused")

    _arrange_candidate(live_database_url)
    desktop.fill(f"{form} input[name=month]", "2026-11")
    desktop.dispatch_event(f"{form} input[name=month]", "change")
    row = "#candidates tr[data-subject=window1]"
    desktop.wait_for_selector(f"{row}[data-status=proposed]")
    assert "受理 42 件" in desktop.inner_text(row)
    desktop.click(f"{row} button[data-decision=reject]")  # without a reason
    desktop.wait_for_selector("#status.error:not([hidden])")
    desktop.fill(f"{row} input[name=note]", "当月零差评，群众赠送锦旗")
    desktop.click(f"{row} button[data-decision=confirm]")
    desktop.wait_for_selector(f"{row}[data-status=confirmed]")
    assert "已确定" in desktop.inner_text("#status")
    shot(desktop, "selections-confirmed")

    phone.goto(f"{live_url}/performance?month=2026-11")
    phone.wait_for_selector("#stars li[data-subject=window1]")
    assert "受理 42 件" in phone.inner_text("#stars")
    shot(phone, "performance-stars-phone")
