"""`python -m benchmarks.lines` scores labelled lines kept outside the repository, line by line,
and a malformed file stops with where it is wrong."""

import pytest

from benchmarks import lines

# Written here: one line per kind the checker finds today, one it misses, and one with none.
SAMPLE = """\
# a comment line, and the blank line below, are skipped

explanation\t台風の影響で、物流センターからの出荷が止まっている状況です。
remedy\t本日、代わりの商品を発送いたしました。
reason_question\t差し支えなければ、どういった場面でお使いになるかお聞かせいただけますか。
\tいつもご利用いただきありがとうございます。
denial\tいえ、弊社の製品に限ってそういうことは起こりません。
"""


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_reads_labels_text_and_skips_comments(sample):
    read = lines.read_lines(sample)
    assert [sorted(line.labels) for line in read] == [["explanation"], ["remedy"], ["reason_question"], [], ["denial"]]
    assert read[0].where == f"{sample}:3"


def test_scores_each_kind_at_line_level(sample):
    judged = [(line, lines.detected(line.text)) for line in lines.read_lines(sample)]
    result = lines.score(judged)
    assert result.lines == 5
    for kind in ("explanation", "remedy", "reason_question", "denial"):
        assert result.counts[kind].labelled == 1
        assert result.counts[kind].recall == 1.0, kind
    assert result.counts["alternative"].labelled == 0
    assert result.exact == sum(line.labels == found for line, found in judged)


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
    assert lines.main([str(sample), "--misses", "alternative"]) == 0
    out = capsys.readouterr().out
    assert "5 lines" in out and "explanation" in out and "precision" in out


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
