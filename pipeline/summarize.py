"""Optional summariser: any OpenAI-compatible `/v1/chat/completions` endpoint, cached.

BioCoder had GPT-3.5 write the function summaries. Here a summariser is optional (the default
summary comes from the docstring, see `pipeline.prompts.summary_from_docstring`), reached over
plain HTTP with `urllib` (no client library), and every answer is cached in a SQLite file
keyed by (model, SHA-256 of the request), so a rebuild with the same model never asks twice.
The model name is recorded in `summary_source` as `model:<name>`.
"""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from pipeline.records import FunctionRecord

SYSTEM_PROMPT = (
    "You summarise bioinformatics functions for a code-generation benchmark. Describe what the "
    "function does, its parameters and its return value in plain English, precisely enough that "
    "a programmer could re-implement it. Do not quote or copy code."
)


class SummariserError(RuntimeError):
    """The endpoint could not be reached or gave an unusable answer; the message says which."""


def chat_completions_url(url: str) -> str:
    """Accept a server root, a `/v1` base or the full endpoint URL."""
    url = url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if url.endswith("/v1"):
        return url + "/chat/completions"
    return url + "/v1/chat/completions"


def summary_request(record: FunctionRecord) -> str:
    """The user message sent for one function."""
    kind = "method" if record.class_name else "function"
    return (
        f"Language: {record.language}\n"
        f"Summarise this {kind} ({record.qualified_name}) in at most 120 words.\n\n"
        f"{record.code}"
    )


class SummaryCache:
    """(model, prompt hash) -> summary, in one SQLite file; safe across threads and processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS summaries (model TEXT NOT NULL, prompt_sha256 TEXT NOT NULL, "
            "summary TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (model, prompt_sha256))"
        )
        self._db.commit()

    @staticmethod
    def key(prompt: str) -> str:
        return hashlib.sha256(prompt.encode("utf-8")).hexdigest()

    def get(self, model: str, prompt: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT summary FROM summaries WHERE model = ? AND prompt_sha256 = ?", (model, self.key(prompt))
            ).fetchone()
        return row[0] if row else None

    def put(self, model: str, prompt: str, summary: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO summaries VALUES (?, ?, ?, ?)", (model, self.key(prompt), summary, time.time())
            )
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM summaries").fetchone()[0]

    def close(self) -> None:
        self._db.close()


class Summariser:
    """Summaries from an OpenAI-compatible chat endpoint, cached per (model, request).

    `url` may be the server root (`http://host:8000`), the `/v1` base or the full
    `/v1/chat/completions` URL. Transient failures (connection errors, timeouts, HTTP 429/5xx)
    are retried `retries` times with exponential backoff; anything else raises
    `SummariserError` at once.
    """

    def __init__(
        self,
        url: str,
        model: str,
        cache_path: str | Path,
        api_key: str | None = None,
        timeout: float = 60.0,
        retries: int = 2,
        backoff: float = 1.0,
        max_tokens: int = 300,
        temperature: float = 0.0,
    ) -> None:
        self.url = chat_completions_url(url)
        self.model = model
        self.cache = SummaryCache(cache_path)
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.requests_sent = 0
        self.cache_hits = 0

    @property
    def source(self) -> str:
        return f"model:{self.model}"

    def complete(self, prompt: str) -> str:
        """The model's answer to `prompt` (from the cache when it was asked before)."""
        cached = self.cache.get(self.model, prompt)
        if cached is not None:
            self.cache_hits += 1
            return cached
        answer = self._post(prompt)
        self.cache.put(self.model, prompt, answer)
        return answer

    def summarise(self, record: FunctionRecord) -> tuple[str, str]:
        """(summary, summary_source) for one record."""
        return self.complete(summary_request(record)).strip(), self.source

    def _post(self, prompt: str) -> str:
        payload = json.dumps({
            "model": self.model,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": prompt}],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            request = urllib.request.Request(self.url, data=payload, headers=headers, method="POST")
            self.requests_sent += 1
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    raw = response.read()
            except urllib.error.HTTPError as exc:
                detail = exc.read()[:300].decode("utf-8", "replace")
                last = SummariserError(f"{self.url} answered HTTP {exc.code} {exc.reason}: {detail}")
                if exc.code == 429 or exc.code >= 500:
                    continue
                raise last from exc
            except (TimeoutError, socket.timeout):
                last = SummariserError(f"{self.url} did not answer within {self.timeout:g} s")
                continue
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                    last = SummariserError(f"{self.url} did not answer within {self.timeout:g} s")
                else:
                    last = SummariserError(f"cannot reach {self.url}: {exc.reason}")
                continue
            return self._parse(raw)
        assert last is not None
        raise SummariserError(f"{last} (after {self.retries + 1} attempts)")

    def _parse(self, raw: bytes) -> str:
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise SummariserError(f"{self.url} did not return JSON: {raw[:200]!r}") from exc
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise SummariserError(f"{self.url} returned no choices[0].message.content: {str(data)[:200]}") from exc
        if not isinstance(content, str) or not content.strip():
            raise SummariserError(f"{self.url} returned an empty completion for model {self.model}")
        return content

    def close(self) -> None:
        self.cache.close()
