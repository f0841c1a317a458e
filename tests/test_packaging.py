"""The built wheel carries what a host application needs: templates, catalogues, migrations."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.once
def test_wheel_carries_translations_and_migrations(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("uprest-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for locale in ("sv", "it", "lv", "et"):
        assert f"uprest/translations/{locale}/LC_MESSAGES/messages.mo" in names
        assert f"uprest/translations/{locale}/LC_MESSAGES/messages.po" in names
    assert "uprest/migrations/env.py" in names
    assert "uprest/curriculum/FORMAT.md" in names
    assert any(n.startswith("uprest/migrations/versions/") for n in names)
    assert "uprest/templates/uprest/base.html" in names
    assert "uprest/static/uprest.css" in names
