"""`python -m benchmarks.lines` scores labelled lines kept outside the repository, line by line,
and a malformed file stops with where it is wrong."""

import pytest

from benchmarks import lines

# Written here: one line per kind the checker finds (the issue's own cases), one with none, and a
# weather remark labelled explanation on purpose: nothing in it can be found, so it is a miss.
SAMPLE = """\
# a comment line, and the blank line below, are skipped

explanation\t台風の影響で、物流センターからの出荷が止まっている状況です。
remedy\t本日、代わりの商品を発送いたしました。
reason_question\t差し支えなければ、どういった場面でお使いになるかお聞かせいただけますか。
\tいつもご利用いただきありがとうございます。
denial\tいえ、弊社の製品に限ってそういうことは起こりません。
explanation\t今夜は雨が降るそうです。
"""


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_reads_labels_text_and_skips_comments(sample):
    read = lines.read_lines(sample)
    assert [sorted(line.labels) for line in read] == [["explanation"], ["remedy"], ["reason_question"], [], ["denial"], ["explanation"]]
    assert read[0].where == f"{sample}:3"


def test_scores_each_kind_at_line_level(sample):
    judged = [(line, lines.detected(line.text)) for line in lines.read_lines(sample)]
    result = lines.score(judged)
    assert (result.lines, result.exact) == (6, 5)  # all but the weather remark
    explanation = result.counts["explanation"]
    assert (explanation.labelled, explanation.found, explanation.detected) == (2, 1, 1)
    assert explanation.recall == 0.5 and explanation.precision == 1.0
    for kind in ("remedy", "reason_question", "denial"):
        assert result.counts[kind].labelled == 1
        assert result.counts[kind].recall == 1.0, kind
    assert result.counts["alternative"].labelled == result.counts["alternative"].detected == 0


def test_a_wrong_hit_counts_against_precision(tmp_path):
    path = tmp_path / "wrong.txt"
    # Labelled none on purpose: the checker finds an explanation, which must count as wrong.
    path.write_text("\t台風の影響で、物流センターからの出荷が止まっている状況です。\n", encoding="utf-8")
    judged = [(line, lines.detected(line.text)) for line in lines.read_lines(path)]
    result = lines.score(judged)
    assert result.counts["explanation"].detected == 1
    assert result.counts["explanation"].precision == 0.0
    assert result.exact == 0
    assert "wrong" in lines.misses(judged, "explanation")[0]


def test_main_prints_the_table_and_the_misses_of_one_kind(sample, capsys):
    assert lines.main([str(sample), "--misses", "explanation"]) == 0
    out = capsys.readouterr().out
    assert "6 lines, 5 judged exactly (83.3%)" in out
    assert "explanation               2    50.0%        1    100.0%" in out
    missed = [line for line in out.splitlines() if line.strip().startswith(("missed", "wrong"))]
    assert missed == [f"  missed {sample}:8  labels: explanation  found: -"]
    assert "今夜は雨が降るそうです。" in out and "台風の影響" not in out


def test_a_file_saved_with_a_byte_order_mark_reads_the_same(tmp_path, sample):
    marked = tmp_path / "marked.txt"
    marked.write_bytes(b"\xef\xbb\xbf" + sample.read_bytes())
    assert [(line.labels, line.text) for line in lines.read_lines(marked)] == [(line.labels, line.text) for line in lines.read_lines(sample)]


def test_a_file_not_in_utf8_is_named_with_what_to_do(tmp_path):
    path = tmp_path / "sjis.txt"
    path.write_bytes("explanation\t台風で遅れました。\n".encode("shift_jis"))
    with pytest.raises(SystemExit) as stop:
        lines.read_lines(path)
    assert str(path) in str(stop.value) and "UTF-8" in str(stop.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("explanation 台風で遅れました。\n", "no tab"),
        ("reason\t理由を教えてください。\n", "unknown label reason"),
        ("remedy\t   \n", "empty"),
    ],
)
def test_a_malformed_line_says_where_and_what_to_fix(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text("# header\n" + content, encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        lines.read_lines(path)
    assert f"{path}:2" in str(stop.value) and message in str(stop.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(SystemExit) as stop:
        lines.main([str(tmp_path / "absent.txt")])
    assert "absent.txt" in str(stop.value)
