"""Every number in the README's results table is one that a committed model's manifest holds: the table is
read from what the evaluation commands wrote, not typed in. Speed is the benchmark's (`make bench`,
docs/performance.md) and is kept out of the table."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# a number that is a quantity, not part of a name ("BLEU-4", "top-3", "WNUT-16", "5-gram", "F1")
NUMBER = re.compile(r"(?<![\w.])(?<![A-Za-z]-)(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(%?)(?![\w-])")


def results_rows() -> list[str]:
    text = (ROOT / "README.md").read_text()
    table = text.split("## Results", 1)[1].split("\n\n")[2]
    return [line for line in table.splitlines() if line.startswith("|") and not line.startswith("|---")][1:]


def manifest_numbers() -> list[float]:
    found: list[float] = []

    def walk(value) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, (int, float)):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for manifest in sorted((ROOT / "models").glob("*/manifest.json")):
        walk(json.loads(manifest.read_text())["metrics"])
    return found


def held(written: str, percent: bool, values: list[float]) -> bool:
    """Does a manifest hold the number as written: to its decimals, as a share where it is a percentage;
    a whole number only as a whole number (a count) or a percentage. The sign is the text's ("-0.78", "behind
    by 0.78"), so sizes are compared."""
    number = float(written.replace(",", ""))
    decimals = len(written.split(".")[1]) if "." in written else 0
    for value in map(abs, values):
        if percent and round(100 * value, decimals) == number:
            return True
        if decimals and round(value, decimals) == number:
            return True
        if not decimals and not percent and isinstance(value, int) and value == number:
            return True
    return False


def test_every_number_in_the_results_table_is_in_a_manifest():
    values = manifest_numbers()
    missing = [(row.split("|")[1].strip(), match.group(0)) for row in results_rows()
               for match in NUMBER.finditer(row.split("|")[2])
               if not held(match.group(1), bool(match.group(2)), values)]
    assert not missing, f"numbers no manifest holds: {missing}"


def test_the_reader_finds_the_numbers_and_skips_names():
    row = "| x | BLEU-4 0.391 vs 0.287 on 1,000 scenes, top-3 38.8%, WNUT-16 F1 0.314 [-0.02, +0.05] |"
    assert [m.group(0) for m in NUMBER.finditer(row)] == ["0.391", "0.287", "1,000", "38.8%", "0.314", "0.02", "0.05"]
    assert held("0.02", False, [-0.0201])
    assert held("1,000", False, [1000]) and not held("1,000", False, [1000.4])
    assert held("38.8", True, [0.3881]) and held("0.391", False, [0.3908]) and not held("0.39", False, [0.3849])
