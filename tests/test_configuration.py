"""The application's settings in one place (``appconfig``, docs/configuration.md): typed, read once per
environment, errors naming what is wrong, and no other module reading ``STUDIO_*`` or parsing the secrets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import appconfig
from appconfig import (
    SECRETS_SECTIONS,
    SettingsProblem,
    StudioSettings,
    secrets_file,
    secrets_section,
    settings,
)

ROOT = Path(__file__).resolve().parents[1]
APPLICATION = ["store", "access", "qa", "ui", "pages", "l10n", "app.py", "serve.py"]


@pytest.fixture(autouse=True)
def fresh_settings():
    appconfig.reset()
    yield
    appconfig.reset()


def test_values_are_typed_and_read_once_per_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("STUDIO_QA_MAX_CALLS", "5")
    monkeypatch.setenv("STUDIO_SANDBOX_URL", " http://127.0.0.1:9/ ")
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path))
    first = settings()
    read = (first.QA_MAX_CALLS, first.SANDBOX_URL, first.DATA_DIR)
    assert read == (5, "http://127.0.0.1:9", tmp_path)
    assert settings() is first  # not read again
    monkeypatch.setenv("STUDIO_QA_MAX_CALLS", "7")
    assert settings().QA_MAX_CALLS == 7  # a changed variable is read again


def test_empty_means_unset_and_the_switches_keep_their_exact_values(monkeypatch) -> None:
    monkeypatch.setenv("STUDIO_DATABASE_URL", "")
    monkeypatch.setenv("STUDIO_ALLOW_ANONYMOUS", "true")  # only exactly "1" allows it, as before
    monkeypatch.setenv("STUDIO_WARM_ENGINE", " 0 ")
    now = settings()
    assert now.DATABASE_URL is None and not now.anonymous_allowed and not now.warm_engine
    monkeypatch.setenv("STUDIO_ALLOW_ANONYMOUS", "1")
    assert settings().anonymous_allowed


def test_a_bad_value_is_named_not_replaced_by_a_default(monkeypatch) -> None:
    monkeypatch.setenv("STUDIO_QA_MAX_CALLS", "lots")
    with pytest.raises(SettingsProblem) as info:
        settings()
    assert info.value.where == "STUDIO_QA_MAX_CALLS" and "'lots'" in str(info.value)


def test_the_spool_key_never_shows(monkeypatch) -> None:
    monkeypatch.setenv("STUDIO_SPOOL_KEY", "very-secret-key")
    assert "very-secret-key" not in repr(settings()) and "very-secret-key" not in str(settings())


def test_the_secrets_file_is_parsed_once_per_change_and_a_broken_one_is_named(monkeypatch, tmp_path) -> None:
    path = tmp_path / "secrets.toml"
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(path))
    assert secrets_file() == {}  # absent: nothing configured
    path.write_text("[quotas]\nuser_daily_analysis = 3\n", encoding="utf-8")
    assert secrets_section("quotas") == {"user_daily_analysis": 3}
    assert secrets_file() is secrets_file()
    path.write_text('[quotas]\nuser_daily_analysis = 30\n[studio]\nspool_key = "k"\n', encoding="utf-8")
    assert secrets_section("quotas") == {"user_daily_analysis": 30} and secrets_section("studio") == {
        "spool_key": "k"
    }
    path.write_text("quotas = 3\n", encoding="utf-8")
    with pytest.raises(SettingsProblem, match=r"\[quotas\] of .*: must be a table"):
        secrets_section("quotas")
    path.write_text("[quotas\n", encoding="utf-8")
    with pytest.raises(SettingsProblem) as info:
        secrets_file()
    assert info.value.where == str(path)


def test_every_setting_is_in_the_one_table() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in StudioSettings.model_fields:
        assert f"`STUDIO_{name}`" in doc, name
    for section in SECRETS_SECTIONS:
        assert f"`[{section}]`" in doc, section
    assert "docs/configuration.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_other_module_reads_studio_variables_or_parses_the_secrets() -> None:
    files = [
        p
        for name in APPLICATION
        for p in ([ROOT / name] if name.endswith(".py") else sorted((ROOT / name).rglob("*.py")))
    ]
    reading = re.compile(r"os\.environ|os\.getenv|\btomllib\b|(?<!`)st\.secrets(?!`)")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        if path != ROOT / "ui" / "secrets.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if reading.search(line) and "SUDO_UID" not in line and not line.lstrip().startswith("#")
    ]
    assert not offenders, offenders


def test_the_dashboard_names_a_bad_value_before_it_serves(monkeypatch) -> None:
    from access.listen import startup_check

    monkeypatch.setenv("STUDIO_SQLITE_BUSY_SECONDS", "ten")
    check = startup_check("127.0.0.1", [], anonymous=False)
    assert any(p.startswith("STUDIO_SQLITE_BUSY_SECONDS: ") for p in check.problems), check.problems
    monkeypatch.setenv("STUDIO_SQLITE_BUSY_SECONDS", "10")
    assert startup_check("127.0.0.1", [], anonymous=False).problems == []


def test_the_dashboard_tells_no_secrets_from_unreadable_ones(monkeypatch) -> None:
    from streamlit.errors import StreamlitSecretNotFoundError

    from access import ConfigError
    from ui import access, secrets

    class Failing:
        def __init__(self, error_id: str) -> None:
            self.error_id = error_id

        def get(self, name: str) -> object:
            raise StreamlitSecretNotFoundError(
                "cannot read {what}", what="secrets.toml", error_id=self.error_id
            )

    monkeypatch.setattr(secrets.st, "secrets", Failing("no-secrets-found"))
    assert secrets.section("quotas") == {}  # no file at all: nothing configured
    monkeypatch.setattr(secrets.st, "secrets", Failing("failed-parsing-secrets-file"))
    with pytest.raises(SettingsProblem, match="cannot read secrets.toml"):
        secrets.section("quotas")
    with pytest.raises(ConfigError):  # sign-in fails closed, never "nothing configured"
        access.access_config()
    monkeypatch.setattr(secrets.st, "secrets", {"auth": "not a table"})
    with pytest.raises(ConfigError, match=r"\[auth\]: must be a table"):
        access.access_config()
