"""One user's visit in one language: a Playwright page that audits each page it reaches."""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel.support import Translations

from uprest.config import TRANSLATIONS_DIR

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
README_SCREENSHOTS = ROOT / "docs" / "screenshots"
BLOCKING = ("serious", "critical")
DEMO_PASSWORD = "uprest-demo-2026"  # uprest.accounts.demo, loaded with `flask uprest seed-demo`
AUDIT = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
  }));
}"""
# axe 4.x no longer reports duplicate ids, but one that a <label for> points at leaves a field
# without its name (WCAG 1.3.1): the label names only the first element with that id.
LABELLED_DUPLICATES = """() => [...document.querySelectorAll('label[for]')]
  .map(label => label.htmlFor)
  .filter(id => document.querySelectorAll('[id="' + CSS.escape(id) + '"]').length > 1)"""


FOCUSED_MATCHES = "s => !!document.activeElement && document.activeElement.matches(s)"
FOCUS_VISIBLE = """() => {
  const style = getComputedStyle(document.activeElement);
  return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
}"""


@cache
def translations(locale: str) -> Translations:
    return Translations.load(str(TRANSLATIONS_DIR), [locale])


class A11yReport:
    """Every page audited in the session, and what axe found there (written to test-artifacts)."""

    def __init__(self):
        self.pages: list[dict] = []

    def add(self, url: str, locale: str, violations: list[dict]) -> None:
        self.pages.append({"url": url, "locale": locale, "violations": violations})

    def write(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "axe-report.json").write_text(json.dumps(self.pages, indent=1))


class Journey:
    """A page in a browser context of its own (own cookies), in one locale."""

    def __init__(self, context, *, base_url: str, locale: str, axe_source: str, report):
        self.context = context
        self.page = context.new_page()
        self.base_url = base_url
        self.locale = locale
        self.axe_source = axe_source
        self.report = report
        self.audited: list[str] = []
        self.csp_errors: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(f"{self.page.url}: {message.text}")

    # -- language --------------------------------------------------------------------------

    def t(self, msgid: str, **variables) -> str:
        """``msgid`` as the app shows it in this journey's language."""
        text = translations(self.locale).ugettext(msgid)
        return text % variables if variables else text

    def tn(self, singular: str, plural: str, num: int) -> str:
        """The plural form the app shows for ``num`` in this journey's language."""
        return translations(self.locale).ngettext(singular, plural, num) % {"num": num}

    def assert_language(self) -> None:
        assert self.page.locator("html").get_attribute("lang") == self.locale, self.page.url

    # -- moving around ---------------------------------------------------------------------

    def goto(self, path: str) -> None:
        url = path if path.startswith("http") else self.base_url + path
        response = self.page.goto(url)
        assert response is not None and response.status < 400, (url, response and response.status)
        self.arrived()

    @contextmanager
    def navigation(self):
        """Wrap an action that loads a new page; the new page is checked once it has loaded."""
        with self.page.expect_navigation() as info:
            yield
        response = info.value
        assert response is None or response.status < 400, (self.page.url, response.status)
        self.arrived()

    def _menu_is_folded(self) -> bool:
        """On a phone the main menu folds into a button; True while it is closed."""
        toggle = self.page.locator("summary.menu-toggle")
        return toggle.is_visible() and self.page.locator("details.menu-fold[open]").count() == 0

    def open_menu(self) -> None:
        if self._menu_is_folded():
            self.page.locator("summary.menu-toggle").click()

    def click(self, target) -> None:
        """Click a link or a submit button (a selector or a locator) and wait for the next page;
        a target in the header's menu first opens the menu when a phone has folded it."""
        if isinstance(target, str) and target.startswith(("nav ", "header ")):
            self.open_menu()
        locator = self.page.locator(target) if isinstance(target, str) else target
        with self.navigation():
            locator.click()

    def arrived(self) -> None:
        """A page has loaded: it must be in the journey's language and pass the axe audit."""
        self.page.wait_for_load_state("load")
        self.assert_language()
        self.audit()

    def audit(self) -> None:
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(self.axe_source)
        violations = self.page.evaluate(AUDIT)
        duplicates = self.page.evaluate(LABELLED_DUPLICATES)
        if duplicates:
            violations.append(
                {
                    "id": "duplicate-labelled-id",
                    "impact": "serious",
                    "help": "A label points at an id that several elements have",
                    "nodes": sorted(set(duplicates)),
                }
            )
        url = self.page.url
        self.report.add(url, self.locale, violations)
        self.audited.append(url)
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"axe found serious problems on {url}:\n" + json.dumps(
            blocking, indent=1, ensure_ascii=False
        )

    # -- keyboard only ---------------------------------------------------------------------

    def tab_to(self, selector: str, *, limit: int = 150) -> None:
        """Press Tab until ``selector`` has the focus, which must then be visible; a target in
        a folded phone menu is reached by opening the menu from the keyboard first."""
        if selector.startswith(("nav ", "header ")) and self._menu_is_folded():
            self.tab_to("summary.menu-toggle", limit=limit)
            self.page.keyboard.press("Enter")
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate(FOCUSED_MATCHES, selector):
                assert self.page.evaluate(FOCUS_VISIBLE), f"no visible focus on {selector}"
                return
        raise AssertionError(f"Tab never reached {selector} on {self.page.url}")

    def press(self, key: str) -> None:
        """Press ``key`` (Enter on a link, Space on a button) and wait for the next page."""
        with self.navigation():
            self.page.keyboard.press(key)

    def type_into(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def choose(self, name: str, value: str) -> None:
        """Select a radio button the keyboard way: Tab into the group, arrows, Space."""
        self.tab_to(f"input[name='{name}']")
        for _ in range(12):
            if self.page.evaluate("() => document.activeElement.value") == value:
                self.page.keyboard.press("Space")
                break
            self.page.keyboard.press("ArrowDown")
        assert self.page.is_checked(f"input[name='{name}'][value='{value}']")

    # -- what the page says ----------------------------------------------------------------

    def heading(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    def flash(self) -> str:
        return self.page.locator(".flashes").inner_text()

    def end_state(self, name: str, *, readme: bool = False) -> Path:
        """Screenshot of where the journey ends; ``readme`` ones go to docs/screenshots when
        UPREST_SCREENSHOTS=1 (they are committed, so they are only rewritten on request)."""
        folder = ARTIFACTS / "end-states"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}-{self.locale}.png"
        self.page.screenshot(path=str(path))
        if readme and os.environ.get("UPREST_SCREENSHOTS") == "1":
            README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            target = README_SCREENSHOTS / f"{name}.png"
            self.page.screenshot(path=str(target))
        return path

    def close(self, failed_as: str | None = None) -> None:
        if failed_as:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", failed_as)
            try:
                self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                (ARTIFACTS / f"{name}.html").write_text(self.page.content())
            except Exception:  # the page may be the very thing that broke
                pass
        self.context.close()


def log_in(j: Journey, email: str, password: str = DEMO_PASSWORD) -> None:
    j.goto("/login")
    j.page.fill("#email", email)
    j.page.fill("#password", password)
    j.click("main form button[type=submit]")


def log_out(j: Journey) -> None:
    j.click("header form button[type=submit]")


def answer_survey(j: Journey, *, level: int, importance: int | None = None) -> None:
    """Answer each page of a survey part (every competence at ``level``), then submit it.

    The business part opens with the business's details, already filled in from its record;
    it also asks how important each competence is.
    """
    for _page in range(12):
        if j.heading() == j.t("Check and submit"):
            break
        groups = {"level_": level, "importance_": importance}
        for prefix, value in groups.items():
            if value is not None:
                for radio in j.page.locator(f"main input[name^={prefix}][value='{value}']").all():
                    radio.check()
        j.click("main form.survey [name=next]")
    assert j.heading() == j.t("Check and submit")
    assert j.t("Every competence has an answer. You can still go back and change any page.") in (
        j.text()
    )
    j.click("main form [name=submit]")
    assert j.t("Thank you! Your answers have been submitted.") in j.flash()
