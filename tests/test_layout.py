"""The test tree has no packages (rootdir-relative imports): two test modules
with the same file name cannot both be collected. Caught here with a clear
message instead of a collection error in CI."""

from collections import Counter
from pathlib import Path


def test_every_test_module_has_its_own_file_name():
    names = Counter(path.name for path in Path(__file__).parent.rglob("test_*.py"))
    assert [name for name, n in names.items() if n > 1] == []
