"""What a learner reads from a quiz form and sends back, shared by the Locust learners and
run.py's measure of each request's cost: the form's fields as rendered (quizzes.rendering),
answers picked from the controls, and the post a browser makes (FormData). Standard library
only: Locust's gevent must not be imported into run.py."""

from __future__ import annotations

from html.parser import HTMLParser


class AttemptForm(HTMLParser):
    """The fields of a page's answer form (or of any form with a CSRF token): what the
    browser would post, and the buttons that say where to go next."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.csrf: str | None = None
        self.slots: list[str] = []
        self.radios: dict[str, list[str]] = {}
        self.checkboxes: dict[str, list[str]] = {}
        self.texts: dict[str, str] = {}  # name -> inputmode
        self.selects: dict[str, list[str]] = {}
        self.go: list[str] = []
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input":
            kind = a.get("type", "text")
            if name == "csrfmiddlewaretoken":
                self.csrf = a.get("value")
            elif name == "slots":
                self.slots.append(a.get("value", ""))
            elif kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value", ""))
            elif kind == "checkbox":
                self.checkboxes.setdefault(name, []).append(a.get("value", ""))
            elif kind == "text" and name:
                self.texts[name] = a.get("inputmode", "text")
        elif tag == "select":
            self._select = name
            self.selects[name] = []
        elif tag == "option" and self._select and a.get("value"):
            self.selects[self._select].append(a["value"])
        elif tag == "button" and name == "go":
            self.go.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def names_of(self, slot: str) -> list[str]:
        """The field names of one question: q{slot}, and q{slot}-{part} for its rows, items
        and blanks (q1 must not take q10's fields)."""
        names = [*self.radios, *self.checkboxes, *self.texts, *self.selects]
        return [n for n in dict.fromkeys(names) if n == f"q{slot}" or n.startswith(f"q{slot}-")]

    def answer(self, slot: str, rng) -> list[tuple[str, str]]:
        """What a learner enters for one question, from its rendered controls: a random
        radio, one or two checkboxes, a random option in each select, "answer" in a text
        field (a number where the field asks for one)."""
        picked = []
        for name in self.names_of(slot):
            if name in self.radios:
                picked.append((name, rng.choice(self.radios[name])))
            elif name in self.checkboxes:
                values = self.checkboxes[name]
                chosen = rng.sample(values, min(len(values), rng.choice((1, 2))))
                picked.extend((name, value) for value in chosen)
            elif name in self.selects and self.selects[name]:
                picked.append((name, rng.choice(self.selects[name])))
            elif name in self.texts:
                picked.append((name, "42" if self.texts[name] == "decimal" else "answer"))
        return picked

    def fields(self, answers) -> list[tuple[str, str]]:
        """The form as the browser sends it (FormData): the token, every question's slot,
        the answers given so far, and the selects and text fields not touched yet, empty."""
        given = {name for name, _value in answers}
        empty = [(n, "") for n in [*self.selects, *self.texts] if n not in given]
        return [
            ("csrfmiddlewaretoken", self.csrf or ""),
            *(("slots", slot) for slot in self.slots),
            *answers,
            *empty,
        ]
