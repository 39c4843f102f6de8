import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.repolist import RepoListError, dedupe_entries, parse_entry, read_repo_list

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize("text, repo, source", [
    ("biopython/biopython", "biopython/biopython", "https://github.com/biopython/biopython.git"),
    ("https://github.com/Owner/Name", "Owner/Name", "https://github.com/Owner/Name.git"),
    ("https://github.com/owner/name.git/", "owner/name", "https://github.com/owner/name.git"),
    ("git@github.com:owner/name.git", "owner/name", "https://github.com/owner/name.git"),
    ("ssh://git@github.com/owner/name.git", "owner/name", "https://github.com/owner/name.git"),
    ("https://gitlab.com/group/sub/tool.git", "gitlab.com/group/sub/tool", "https://gitlab.com/group/sub/tool.git"),
    ("git@bitbucket.org:team/tool.git", "bitbucket.org/team/tool", "git@bitbucket.org:team/tool.git"),
    ("file:///srv/mirror/tool.git", "local/tool", "file:///srv/mirror/tool.git"),
    ("/srv/mirror/tool", "local/tool", "file:///srv/mirror/tool"),
])
def test_parse_entry_normalises(text, repo, source):
    e = parse_entry(text)
    assert (e.repo, e.source, e.commit) == (repo, source, None)


def test_relative_local_path_is_resolved_against_the_list(tmp_path):
    e = parse_entry("./repos/x", base_dir=tmp_path)
    assert e.source == (tmp_path / "repos" / "x").as_uri() and e.is_local
    assert e.local_path == tmp_path / "repos" / "x"


def test_name_and_url_url_is_source_name_is_identity():
    e = parse_entry(name="biopython/biopython", url="file:///mirror/bp.git", commit=SHA.upper())
    assert e.repo == "biopython/biopython"
    assert e.source == "file:///mirror/bp.git"
    assert e.commit == SHA


@pytest.mark.parametrize("bad", [
    "owner/../../etc", "../../x/y/../z/..", "https://github.com/../../etc/passwd", "git@gitlab.com:../x.git",
    "justaname", "a/b/c", "ftp://host/x", "own er/name", "https://github.com/a/b/c",
])
def test_parse_entry_rejects(bad):
    if bad.startswith("../"):  # a relative *path* may contain .. (read only); the name may not
        with pytest.raises(ValueError):
            parse_entry(name=bad, url="file:///tmp/x")
        return
    with pytest.raises(ValueError):
        parse_entry(bad)


def test_bad_commit_rejected():
    with pytest.raises(ValueError, match="hex SHA"):
        parse_entry("a/b", commit="main")


def test_txt_comments_commits_and_errors_named_by_line(tmp_path):
    p = tmp_path / "repos.txt"
    p.write_text(f"# header comment\n\nowner/one\nowner/two {SHA}  # pinned\nowner/../../escape\nnot a valid line at all\n")
    with pytest.raises(RepoListError) as info:
        read_repo_list(p)
    msg = str(info.value)
    assert f"{p}:5" in msg and "'..'" in msg
    assert f"{p}:6" in msg
    assert len(info.value.problems) == 2  # all errors reported together
    p.write_text(f"# header comment\n\nowner/one\nowner/two {SHA}  # pinned\n")
    entries = read_repo_list(p)
    assert [(e.repo, e.commit, e.line) for e in entries] == [("owner/one", None, 3), ("owner/two", SHA, 4)]


def test_csv_with_usual_columns_and_dedupe(tmp_path):
    p = tmp_path / "repos.csv"
    p.write_text(
        "Repo_Name,clone_url,commit\n"
        "BioPython/biopython,,\n"
        "biopython/BIOPYTHON,,\n"  # same GitHub repo, other case: duplicate
        f"x/mirror,./mirror.git,{SHA}\n"
    )
    dups: list = []
    entries = read_repo_list(p, duplicates=dups)
    assert [e.repo for e in entries] == ["BioPython/biopython", "x/mirror"]
    assert entries[1].source == (tmp_path / "mirror.git").as_uri()
    assert len(dups) == 1 and dups[0][0].line == 3


def test_conflicting_duplicate_is_an_error(tmp_path):
    p = tmp_path / "repos.csv"
    p.write_text(f"repo,commit\na/b,\na/b,{SHA}\n")
    with pytest.raises(RepoListError, match="already listed"):
        read_repo_list(p)


def test_headerless_csv_and_tsv(tmp_path):
    (tmp_path / "a.csv").write_text(f"a/b,{SHA}\nc/d\n")
    assert [e.commit for e in read_repo_list(tmp_path / "a.csv")] == [SHA, None]
    (tmp_path / "a.tsv").write_text("full_name\turl\na/b\thttps://gitlab.com/a/b.git\n")
    [e] = read_repo_list(tmp_path / "a.tsv")
    assert (e.repo, e.source) == ("a/b", "https://gitlab.com/a/b.git")


def test_json_and_jsonl(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"repos": ["a/b", {"full_name": "c/d", "sha": SHA}]}))
    assert [(e.repo, e.commit) for e in read_repo_list(tmp_path / "a.json")] == [("a/b", None), ("c/d", SHA)]
    (tmp_path / "a.jsonl").write_text('"a/b"\n{"url": "https://github.com/c/d"}\n{bad\n')
    with pytest.raises(RepoListError, match=r"a\.jsonl:3"):
        read_repo_list(tmp_path / "a.jsonl")


def test_parquet(tmp_path):
    t = pa.table({"repo_name": ["a/b", "c/d"], "commit": [None, SHA]})
    pq.write_table(t, tmp_path / "r.parquet")
    assert [(e.repo, e.commit) for e in read_repo_list(tmp_path / "r.parquet")] == [("a/b", None), ("c/d", SHA)]


def test_xlsx_with_title_row_like_the_russell_supplement(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["S1 Table. Repositories analysed"])
    ws.append(["repo_name", "language", "stars"])
    ws.append(["lab/aligner", "Python", 3])
    ws.append([None, None, None])
    ws.append(["lab/../x", "Java", 1])
    wb.save(tmp_path / "s1.xlsx")
    with pytest.raises(RepoListError, match=r"s1\.xlsx:5"):
        read_repo_list(tmp_path / "s1.xlsx")
    ws.delete_rows(5)
    wb.save(tmp_path / "s1.xlsx")
    [e] = read_repo_list(tmp_path / "s1.xlsx")
    assert (e.repo, e.line) == ("lab/aligner", 3)


def test_unsupported_format_and_missing_column(tmp_path):
    (tmp_path / "x.yaml").write_text("- a/b\n")
    with pytest.raises(RepoListError, match="unsupported"):
        read_repo_list(tmp_path / "x.yaml")
    (tmp_path / "y.csv").write_text("language,stars\npython,3\n")
    with pytest.raises(RepoListError):
        read_repo_list(tmp_path / "y.csv")


def test_dedupe_is_case_sensitive_for_local_identities():
    a = parse_entry(name="local/X", url="file:///a")
    b = parse_entry(name="local/x", url="file:///b")
    kept, dropped, conflicts = dedupe_entries([a, b])
    assert len(kept) == 2 and not dropped and not conflicts
