import csv
import json
import subprocess

import pytest
from django.core.management import CommandError, call_command

from tests.factories import DemandFactory, DisputeFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def test_it_writes_a_verifiable_release_of_confirmed_data_only(tmp_path):
    call_command("load_demo", verbosity=0)
    DisputeFactory(title="Candidate only", slug="candidate-only", review_state="candidate")
    out = tmp_path / "release"

    call_command("export_dataset", "--release", "2026.11", "--output", str(out))

    for table in ("disputes", "actors", "demands", "outcomes", "events", "evidence"):
        assert (out / f"{table}.csv").exists() and (out / f"{table}.json").exists()
    disputes = json.loads((out / "disputes.json").read_text())
    assert len(disputes) >= 15
    assert "candidate-only" not in {d["slug"] for d in disputes}
    meta = json.loads((out / "datapackage.json").read_text())
    assert meta["release"] == "2026.11" and meta["counts"]["disputes"] == len(disputes)
    assert "accounts_targeted" in meta["tables"]["demands"]
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_spreadsheet_formulas_are_neutralised_in_csv(tmp_path):
    demand = DemandFactory(description="=HYPERLINK(\"http://evil.example\")", legal_basis="+1 law")
    EvidenceFactory(dispute=demand.dispute, demand=demand, note="@SUM(A1)")
    call_command("export_dataset", "--release", "t1", "--output", str(tmp_path / "r"))
    rows = list(csv.DictReader(open(tmp_path / "r" / "demands.csv", encoding="utf-8")))
    assert rows[0]["description"].startswith("'=")
    assert rows[0]["legal_basis"] == "'+1 law"
    evidence = list(csv.DictReader(open(tmp_path / "r" / "evidence.csv", encoding="utf-8")))
    assert evidence[0]["note"] == "'@SUM(A1)"
    # JSON keeps the value as it is.
    assert json.loads((tmp_path / "r" / "demands.json").read_text())[0]["description"].startswith("=")


def test_a_release_is_never_written_over(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError):
        call_command("export_dataset", "--release", "1", "--output", str(tmp_path))
    with pytest.raises(CommandError):
        call_command("export_dataset", "--release", "../evil", "--output", str(tmp_path / "new"))
