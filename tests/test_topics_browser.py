"""topics.html in a real headless browser (Chromium, driven over the DevTools protocol).

Checks what a reader on a machine without any CJK font sees: the page loads with no console
error and no network request, its Chinese text is drawn with the font embedded in the page
(Chromium reports the fonts it actually used per node), and clicking a topic shows that topic's
paragraphs. A page built with ``embed_font=False`` is the control: there the embedded font is
not used, so the font check can fail.

Needs ``chromium`` (Debian: ``apt-get install chromium``; ``.ci/run`` installs it as a best
effort) or a browser named by ``$CHROMIUM``; skipped with a message when none is found.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures_topics import TOPIC_WORDS

from analysis.fonts import EMBEDDED_FAMILY
from analysis.topics.html import topic_html
from analysis.topics.result import TopicResult

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-port=0",
]


def _browser() -> str | None:
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


pytestmark = pytest.mark.skipif(
    _browser() is None,
    reason="no headless browser: install Debian's chromium (apt-get install chromium) or set "
    "$CHROMIUM to run the topics.html browser test",
)


class DevTools:
    """A minimal Chrome DevTools Protocol client for one page (websocket-client)."""

    def __init__(self, ws_url: str):
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        msg_id = self.next_id
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        for ev in self.events:
            if ev["method"] == method:
                return ev
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return msg
        raise TimeoutError(method)

    def js(self, expression: str):
        out = self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in out:
            raise RuntimeError(f"{expression}: {out['exceptionDetails']}")
        return out["result"].get("value")

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium with a DevTools port: yields the HTTP endpoint."""
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    proc = subprocess.Popen(
        [_browser(), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port_file = Path(profile) / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while not (port_file.exists() and port_file.read_text().strip()):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"{_browser()} did not start (exit code {proc.poll()})")
        time.sleep(0.1)
    port = port_file.read_text().split()[0]
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(profile, ignore_errors=True)


def _open(endpoint: str, path: Path) -> DevTools:
    """Open ``path`` in a new tab with console, network and CSS domains recorded."""
    req = urllib.request.Request(f"{endpoint}/json/new?about:blank", method="PUT")
    with urllib.request.urlopen(req, timeout=30) as resp:  # the local DevTools endpoint
        target = json.load(resp)
    page = DevTools(target["webSocketDebuggerUrl"])
    for domain in ("Page", "Runtime", "Log", "Network", "DOM", "CSS"):
        page.send(f"{domain}.enable")
    page.send("Page.navigate", url=path.as_uri())
    page.wait_for("Page.loadEventFired")
    page.js("document.fonts.ready.then(() => true)")
    return page


def _problems(page: DevTools, path: Path) -> list[str]:
    """Console errors, uncaught exceptions and requests for anything but the page itself."""
    out = []
    for ev in page.events:
        p = ev.get("params", {})
        if ev["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append(f"console.{p['type']}: {p.get('args')}")
        elif ev["method"] == "Runtime.exceptionThrown":
            out.append(f"exception: {p.get('exceptionDetails', {}).get('text')}")
        elif ev["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
            out.append(f"log: {p['entry'].get('text')}")
        elif ev["method"] == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not (url == path.as_uri() or url.startswith("data:")):
                out.append(f"network request: {url}")
    return out


def _fonts_used(page: DevTools, selector: str) -> list[dict]:
    """The fonts Chromium actually drew the text of ``selector`` with (per text run)."""
    root = page.send("DOM.getDocument", depth=-1)["root"]["nodeId"]
    node = page.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    assert node, f"no element {selector}"
    return page.send("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]


def _result() -> tuple[TopicResult, pd.DataFrame]:
    """A small topic model over the fixture vocabulary, with two example paragraphs per topic."""
    rng = np.random.default_rng(3)
    topics = list(TOPIC_WORDS)
    vocab = [w for t in topics for w in TOPIC_WORDS[t]]
    k = len(topics)
    topic_word = np.full((k, len(vocab)), 0.2)
    for t, name in enumerate(topics):
        for w in TOPIC_WORDS[name]:
            topic_word[t, vocab.index(w)] = 5 + rng.random()
    topic_word /= topic_word.sum(axis=1, keepdims=True)
    doc_topic = rng.dirichlet(np.ones(k), size=8)
    result = TopicResult(
        backend="tomotopy",
        k=k,
        seed=3,
        vocab=vocab,
        unit_ids=[f"00{i}#1" for i in range(8)],
        topic_word=topic_word,
        doc_topic=doc_topic,
        term_freq=rng.integers(5, 50, len(vocab)).astype(float),
        doc_lengths=np.full(8, 20.0),
        topic_labels=["党建 党员", "招商引资 项目", "道路 公路", "农业 农民"],
    )
    rows = []
    for t, name in enumerate(topics):
        for rank in (1, 2):
            words = "、".join(TOPIC_WORDS[name][rank : rank + 4])
            rows.append(
                {
                    "topic": t,
                    "rank": rank,
                    "unit_id": f"00{t}#{rank}",
                    "weight": 0.8,
                    "text_original": f"第{t}号主题例段{rank}：全鎮推進{words}工作。",
                }
            )
    return result, pd.DataFrame(rows)


def test_page_loads_offline_draws_chinese_with_the_embedded_font_and_clicks(browser, tmp_path):
    result, examples = _result()
    path = tmp_path / "topics.html"
    path.write_text(topic_html(result, examples=examples, title="主题 Topics"), encoding="utf-8")
    page = _open(browser, path)
    try:
        faces = page.js("[...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])")
        assert [EMBEDDED_FAMILY, "loaded"] in faces, faces
        # the Chinese title is drawn entirely with the embedded (web) font
        fonts = _fonts_used(page, "h2")
        assert fonts and all(f["isCustomFont"] for f in fonts), fonts
        # click the circle of the second-largest topic, as a user would (real mouse events)
        box = page.js(
            "(() => { const c = [...document.querySelectorAll('#map circle.topic')]; "
            "const r = c[1].getBoundingClientRect(); return [r.x + r.width / 2, r.y + 4]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            page.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box[0],
                y=box[1],
                button="left",
                clickCount=1,
            )
        shown = page.js("[...document.querySelectorAll('#examples p')].map(p => p.textContent)")
        heading = page.js("document.querySelector('#bars text').textContent")
        assert shown, "clicking a topic showed no paragraphs"
        label = next(lab for lab in result.labels() if heading.startswith(f"Topic {lab} "))
        topic = result.labels().index(label)
        from analysis.topics.result import readable_labels

        assert readable_labels(result)[topic] in heading  # the topic is named by its terms
        expected = examples.loc[examples["topic"] == topic, "text_original"].tolist()
        assert [s.split(") ", 1)[1] for s in shown] == expected
        para_fonts = _fonts_used(page, "#examples p")
        assert para_fonts and all(f["isCustomFont"] for f in para_fonts), para_fonts
        assert _problems(page, path) == []
    finally:
        page.close()


def test_control_without_the_embedded_font_is_detected(browser, tmp_path):
    """Without the embedded font the page names families only: the font check must fail."""
    result, examples = _result()
    path = tmp_path / "plain.html"
    html = topic_html(result, examples=examples, title="主题 Topics", embed_font=False)
    assert "@font-face" not in html
    path.write_text(html, encoding="utf-8")
    page = _open(browser, path)
    try:
        fonts = _fonts_used(page, "h2")
        assert fonts and not all(f["isCustomFont"] for f in fonts), fonts
        assert _problems(page, path) == []
    finally:
        page.close()
