"""Finds anything a browser would execute in an HTML document: script elements that are not
the site's own static files, event-handler attributes, script-bearing URL schemes in any URL
attribute, embedding elements, meta refreshes and script in style. Used by the XSS corpus."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines()
    if line.strip()
]

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "background",
    "poster",
    "xlink:href",
    "srcdoc",
}
DANGEROUS_ELEMENTS = {"iframe", "object", "embed", "base", "applet", "frame", "frameset"}
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
STYLE_SCRIPT = re.compile(r"expression\s*\(|javascript\s*:", re.IGNORECASE)
OWN_SCRIPT = re.compile(r"^/static/")


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            source = values.get("src") or ""
            if not OWN_SCRIPT.match(source) and values.get("type") != "application/json":
                self.problems.append(f"<script> element {values}")
            self._in_script = True
        if tag in DANGEROUS_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            inline_image = tag == "img" and value.startswith("data:image/")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(value) and not inline_image:
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "style" and STYLE_SCRIPT.search(value):
                self.problems.append(f"<{tag} style={value[:40]!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("inline script content")


def executable_parts(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems


def assert_nothing_executable(html: str, where: str = "") -> None:
    problems = executable_parts(html)
    assert not problems, f"{where}: " + "; ".join(problems[:5])
