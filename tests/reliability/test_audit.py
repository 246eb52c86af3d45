"""`make audit`: a real vulnerability fails, missing vulnerability data is reported as NOT RUN
(exit 0 offline, 2 under AUDIT_STRICT=1), and a full check passes. No network: canned reports."""

from __future__ import annotations

from pathlib import Path

import audit
import pytest


def _dep(name: str, vulns: list[dict] | None = None, skip: str | None = None) -> dict:
    out: dict = {"name": name, "version": "1.0"}
    if skip:
        out["skip_reason"] = skip
    else:
        out["vulns"] = vulns or []
    return out


def test_a_known_vulnerability_fails() -> None:
    report = {
        "dependencies": [
            _dep("jinja2", [{"id": "GHSA-xxxx", "fix_versions": ["3.1.6"]}]),
            *[_dep(f"pkg{i}") for i in range(9)],
        ]
    }
    result = audit.interpret(report)
    assert result.status == "vulnerable" and result.exit_code == 1
    assert "jinja2==1.0 GHSA-xxxx (fixed in: 3.1.6)" in result.report()


def test_no_vulnerability_data_is_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    skip = "Dependency not found on PyPI and could not be audited: x (1.0)"
    report = {"dependencies": [_dep(f"pkg{i}", skip=skip) for i in range(10)]}
    result = audit.interpret(report)
    assert result.status == "not_run" and "NOT RUN" in result.report()
    monkeypatch.delenv("AUDIT_STRICT", raising=False)
    assert result.exit_code == 0  # offline-tolerant
    monkeypatch.setenv("AUDIT_STRICT", "1")
    assert result.exit_code == 2


def test_a_full_clean_audit_passes_and_names_what_it_skipped() -> None:
    report = {
        "dependencies": [
            *[_dep(f"pkg{i}") for i in range(19)],
            _dep("local-only", skip="Dependency not found on PyPI"),
        ]
    }
    result = audit.interpret(report)
    assert result.status == "clean" and result.exit_code == 0
    assert "19 locked packages checked" in result.report() and "local-only" in result.report()


def test_missing_pip_audit_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(audit.shutil, "which", lambda *a, **k: None)
    result = audit.run(tmp_path / "requirements.lock")
    assert result.status == "not_run" and "not installed" in result.reason


def test_the_lock_pins_pip_audit_and_make_has_the_target() -> None:
    lock = (audit.REPO / "requirements.lock").read_text("utf-8").lower()
    assert "pip_audit==" in lock or "pip-audit==" in lock
    assert "\naudit: install" in (audit.REPO / "Makefile").read_text("utf-8")
