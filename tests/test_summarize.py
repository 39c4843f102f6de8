from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.prompts import prompt_columns
from pipeline.records import FunctionRecord
from pipeline.summarize import Summariser, SummariserError, chat_completions_url


class FakeServer:
    """A tiny OpenAI-compatible server on 127.0.0.1 with canned answers; counts calls."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.status = 200
        self.delay = 0.0
        self.body: bytes | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                server.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), **request})
                time.sleep(server.delay)
                if server.body is not None:
                    body = server.body
                else:
                    user = request["messages"][-1]["content"]
                    body = json.dumps({"choices": [{"message": {"role": "assistant",
                                       "content": f"Summary #{len(server.calls)} by {request['model']} ({len(user)} chars)"}}]}).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = FakeServer()
    yield s
    s.close()


def record(name="gc", code="def gc(seq):\n    return seq.count('G')\n") -> FunctionRecord:
    return FunctionRecord(
        id=name, repo="o/r", repo_url="", commit="c", path="m.py", language="python", license="MIT", url="",
        name=name, qualified_name=f"m.{name}", kind="function", scope="module", signature=f"def {name}(seq):",
        code=code, body=code.split("\n", 1)[1], start_line=1, end_line=2, start_byte=0, end_byte=len(code),
    )


def test_url_forms():
    assert chat_completions_url("http://h:1") == "http://h:1/v1/chat/completions"
    assert chat_completions_url("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert chat_completions_url("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"


def test_summarise_and_cache(server, tmp_path):
    cache = tmp_path / "summaries.sqlite"
    s = Summariser(server.url, "tiny-model", cache, api_key="k")
    text, source = s.summarise(record())
    assert text.startswith("Summary #1 by tiny-model")
    assert source == "model:tiny-model"
    assert len(server.calls) == 1
    call = server.calls[0]
    assert call["path"] == "/v1/chat/completions" and call["model"] == "tiny-model" and call["auth"] == "Bearer k"
    assert "return seq.count('G')" in call["messages"][-1]["content"]
    # Same record again: answered from the cache, the server is not called.
    assert s.summarise(record()) == (text, source)
    assert len(server.calls) == 1 and s.cache_hits == 1
    # A new process (new Summariser) with the same cache file: still no call.
    s2 = Summariser(server.url, "tiny-model", cache)
    assert s2.summarise(record())[0] == text
    assert len(server.calls) == 1
    # Another model or another function: one new call each.
    Summariser(server.url, "other-model", cache).summarise(record())
    s2.summarise(record("at", "def at(seq):\n    return seq.count('A')\n"))
    assert len(server.calls) == 3
    assert len(s2.cache) == 3


def test_summary_feeds_prompts(server, tmp_path):
    s = Summariser(server.url + "/v1", "tiny-model", tmp_path / "c.sqlite")
    rec = record()
    summary, source = s.summarise(rec)
    cols = prompt_columns(rec, summary, source)
    assert cols["summary_source"] == "model:tiny-model"
    assert summary in cols["summary_top"]


def test_http_error_is_clear(server, tmp_path):
    server.status = 401
    server.body = b'{"error": "bad key"}'
    s = Summariser(server.url, "m", tmp_path / "c.sqlite", retries=2, backoff=0)
    with pytest.raises(SummariserError, match=r"HTTP 401.*bad key"):
        s.summarise(record())
    assert len(server.calls) == 1  # a client error is not retried


def test_server_error_is_retried(server, tmp_path):
    server.status = 503
    server.body = b"overloaded"
    s = Summariser(server.url, "m", tmp_path / "c.sqlite", retries=2, backoff=0)
    with pytest.raises(SummariserError, match=r"HTTP 503.*after 3 attempts"):
        s.summarise(record())
    assert len(server.calls) == 3


def test_bad_answer_is_clear(server, tmp_path):
    server.body = b'{"choices": []}'
    with pytest.raises(SummariserError, match="no choices"):
        Summariser(server.url, "m", tmp_path / "c.sqlite").summarise(record())


def test_timeout(server, tmp_path):
    server.delay = 1.0
    s = Summariser(server.url, "m", tmp_path / "c.sqlite", timeout=0.2, retries=0)
    with pytest.raises(SummariserError, match="did not answer within 0.2 s"):
        s.summarise(record())


def test_unreachable(tmp_path):
    s = Summariser("http://127.0.0.1:9", "m", tmp_path / "c.sqlite", timeout=1, retries=0)
    with pytest.raises(SummariserError, match="cannot reach"):
        s.summarise(record())


def test_add_prompts_uses_summariser_only_without_docstring(server, tmp_path):
    from types import SimpleNamespace

    from pipeline.prompts import add_prompts

    documented = record("doc")
    documented.docstring = '"""Count G."""'
    rows = [documented.to_row(), record("undoc").to_row()]
    config = SimpleNamespace(summarizer=SimpleNamespace(url=server.url, model="tiny-model"))
    add_prompts(rows, config, cache_path=tmp_path / "c.sqlite")
    assert rows[0]["summary"] == "Count G." and rows[0]["summary_source"] == "docstring"
    assert rows[1]["summary_source"] == "model:tiny-model" and rows[1]["summary"].startswith("Summary #1")
    assert len(server.calls) == 1
    add_prompts(rows, config, cache_path=tmp_path / "c.sqlite")
    assert len(server.calls) == 1  # cached
    for row in rows:
        assert row["summary_top"].endswith('"""') and row["body"].strip() not in row["summary_top"]
