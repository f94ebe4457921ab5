"""The batch job's own parts, without Ray: what a rerun finds already written, and the command's checks."""
import json

import pyarrow as pa
import pyarrow.parquet as pq

from serving.caption.batch_job import JobSummary, already_written
from serving.rnnapp import main as rnnapp

ANSWERS = [{"image": "a.jpg", "caption": "a cat on a mat", "score": -0.2, "objects": []},
           {"image": "b.jpg", "caption": "a dog in a park", "score": -0.3, "objects": [{"label": "dog", "count": 1}]}]


def test_a_jsonl_cut_mid_line_keeps_its_whole_lines_and_loses_the_cut_one(tmp_path):
    out = tmp_path / "captions.jsonl"
    out.write_text("".join(json.dumps(answer) + "\n" for answer in ANSWERS) + '{"image": "c.jpg", "capt')
    assert already_written(out) == ANSWERS
    assert out.read_text().endswith("\n") and len(out.read_text().splitlines()) == 2  # appending starts clean
    assert already_written(tmp_path / "none-yet.jsonl") == []


def test_a_parquet_output_reads_back_as_the_answers(tmp_path):
    out = tmp_path / "captions.parquet"
    pq.write_table(pa.Table.from_pylist(ANSWERS), out)
    assert [answer["image"] for answer in already_written(out)] == ["a.jpg", "b.jpg"]


def test_ray_needs_an_output_file_and_says_so(tmp_path, capsys):
    assert rnnapp(["caption", "--ray", str(tmp_path)]) == 1
    assert rnnapp(["caption", "--ray", str(tmp_path), "--out", str(tmp_path / "captions.csv")]) == 1
    said = capsys.readouterr().err.splitlines()
    assert said == ["error: --ray writes its captions to a file: give --out NAME.jsonl or NAME.parquet"] * 2


def test_the_summary_says_how_many_where_and_what_failed(tmp_path):
    summary = JobSummary(captioned=3, skipped=2, errors=["x.jpg: the file is empty"])
    summary.per_node.update({"node-a": 2, "node-b": 1})
    assert summary.line(2, tmp_path / "c.jsonl") == (f"captioned 3 images with 2 actors on 2 nodes, skipped 2 already "
                                                     f"in {tmp_path / 'c.jsonl'}, 1 could not be used; wrote "
                                                     f"{tmp_path / 'c.jsonl'}")
