"""The default part size: small inputs are still cut finely enough to keep every worker busy."""

from ecoute.batch.job import AUTO_PARTS, BYTES_PER_RECORD, MAX_PART, MIN_PART, auto_part_size


def _file(tmp_path, name, size):
    path = tmp_path / name
    path.write_bytes(b"x" * size)
    return path


def test_parts_follow_the_input_size_within_bounds(tmp_path):
    tiny = _file(tmp_path, "tiny.csv", 10_000)
    ten_thousand = _file(tmp_path, "10k.csv", 10_000 * BYTES_PER_RECORD)
    huge = _file(tmp_path, "huge.csv", 2_000_000 * BYTES_PER_RECORD)
    assert auto_part_size([tiny]) == MIN_PART
    assert auto_part_size([ten_thousand]) == 10_000 // AUTO_PARTS  # 16 parts, not 5 of 2,000
    assert auto_part_size([huge]) == MAX_PART


def test_every_input_file_counts(tmp_path):
    parts = [_file(tmp_path, f"part-{n}.csv", 2_500 * BYTES_PER_RECORD) for n in range(4)]
    assert auto_part_size(parts) == 10_000 // AUTO_PARTS
