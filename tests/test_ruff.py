"""ruff (configured in pyproject.toml [tool.ruff]) finds nothing in the code or the notebooks: part of `make test`."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format=json", "."],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode in (0, 1), result.stderr  # 1: findings; anything else: ruff itself failed
    lines = [f"{Path(f['filename']).relative_to(ROOT)}:{f['location']['row']}: {f['code']} {f['message']}"
             for f in json.loads(result.stdout)]
    assert not lines, "ruff findings (make lint shows them all):\n" + "\n".join(lines)
