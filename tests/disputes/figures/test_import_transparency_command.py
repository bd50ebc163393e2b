import os
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from disputes.models import PlatformReport

from .support import FIXTURES

ROOT = Path(__file__).resolve().parents[3]


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_transparency", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_it_imports_and_prints_a_summary_with_timing():
    out, _ = _run("twitter", str(FIXTURES / "twitter" / "removal-requests.csv"), "--no-progress")
    assert "twitter: 10 rows in 1 file(s) -> 5 records: 5 created" in out
    assert re.search(r"in \d+\.\d\d s \(parse \d+\.\d\d s, write \d+\.\d\d s\)$", out.splitlines()[0])
    assert PlatformReport.objects.count() == 5


@pytest.mark.django_db
def test_it_reports_bad_rows_with_file_and_line_but_succeeds():
    out, _ = _run("google", str(FIXTURES / "google"), "--no-progress")
    assert "error summary-2023-download.csv:7: period end '2020-05-31'" in out
    assert "error detailed.csv:7: unknown territory code 'ZZ'" in out
    assert "6 bad row(s)" in out
    assert PlatformReport.objects.count() == 6 + 5 + 4


@pytest.mark.django_db
def test_it_shows_a_progress_bar():
    _, err = _run("meta", str(FIXTURES / "meta"))
    assert "import meta" in err and "100%" in err


@pytest.mark.django_db
def test_it_fails_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _run("google", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_it_fails_on_a_file_of_another_source():
    with pytest.raises(CommandError, match="not a Google"):
        _run("google", str(FIXTURES / "twitter" / "removal-requests.csv"))


@pytest.mark.django_db
def test_it_fails_on_a_file_that_is_not_utf8(tmp_path):
    latin1 = tmp_path / "Content_Restrictions_2015_H1.csv"
    latin1.write_bytes("Country,count\nCuraçao,3\n".encode("latin-1"))
    with pytest.raises(CommandError, match="codec can't decode"):
        _run("meta", str(latin1))
    assert PlatformReport.objects.count() == 0


@pytest.mark.django_db
def test_it_writes_nothing_when_one_file_of_a_folder_is_foreign(tmp_path):
    shutil.copy(FIXTURES / "meta" / "Content_Restrictions_2015_H1.csv", tmp_path)
    shutil.copy(FIXTURES / "bad-format" / "Content_Restrictions_latest.csv", tmp_path)
    with pytest.raises(CommandError, match="Content_Restrictions_latest.csv"):
        _run("meta", str(tmp_path))
    assert PlatformReport.objects.count() == 0


def test_it_fails_on_an_unknown_source():
    with pytest.raises(CommandError, match="invalid choice"):
        _run("tiktok", str(FIXTURES / "google"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tiktok", "x.csv"], "invalid choice"),
        (["google", "/nonexistent/file.csv"], "no such file"),
    ],
)
def test_it_exits_non_zero_from_the_shell(args, message):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_transparency", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_a_cell_over_the_csv_limit_is_a_clear_error(tmp_path):
    import pytest
    from django.core.management import CommandError, call_command

    path = tmp_path / "google.csv"
    header = ("Period Ending,Country/Region,CLDR Territory Code,Requestor,Number of Requests,"
              "Items Requested To Be Removed,% Removed-Legal,% Removed-Policy,% Content Not Found,"
              "% Not Enough Information ,% No Action Taken,% Content Already Removed")
    path.write_text(header + "\n2020-12-31,\"" + "x" * 200_000 + "\",IN,Courts,1,1,0,0,0,0,0,0\n")
    with pytest.raises(CommandError, match="field larger than field limit"):
        call_command("import_transparency", "google", str(path), "--no-progress")
