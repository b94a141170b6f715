"""The intranet widget in headless Chromium (Debian's package, driven by Playwright), against the
running server: conversation, quick replies, history on reload, safe rendering, keyboard use,
small screens and zoom, retries when the server is unreachable, and an axe-core scan."""

import json
import os
import re

import pytest

from bot.channels.markup import comparable
from bot.channels.staff import mint_token
from bot.knowledge import load_knowledge
from tests.channels import fake_provider as fake
from tests.channels.browser import PROJECT_ROOT, CHROMIUM, CHROMIUM_ARGS, axe_source, chromium_missing_reason

import playwright.sync_api as playwright_api
expect = playwright_api.expect

pytestmark = pytest.mark.e2e
AVIS = load_knowledge(PROJECT_ROOT / "knowledge").dialogue.avis
FEEDBACK_TITLES = (AVIS.up, AVIS.down)  # the 👍 / 👎 quick replies after an answer (issue 5)
INJECTION = "<img src=x onerror=alert(1)>"
NEW_WINDOW = re.compile(r"\n?\(nouvelle fenêtre\)\n?")  # innerText puts the hidden span on its own line


def shown(*texts) -> str:
    """What the widget shows, comparable with knowledge texts (links' hidden "(nouvelle fenêtre)" removed)."""
    return comparable(NEW_WINDOW.sub("", " ".join(texts)))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser():
    reason = chromium_missing_reason()
    if reason:
        pytest.fail(f"{reason} (`make test` installs Debian's chromium when it can: see `make chromium`)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class WidgetPage:
    def __init__(self, page, stack):
        self.page = page
        self.stack = stack
        self.dialogs = []
        self.errors = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.set_default_timeout(20_000)

    @property
    def demo_url(self):
        return f"{self.stack.rasa_url}/webhooks/staff/demo"

    @property
    def input(self):
        return self.page.get_by_label("Votre question")

    @property
    def launcher(self):
        return self.page.locator(".aal-launcher")

    def bot_bubbles(self):
        return self.page.locator(".aal-msg--bot .aal-bubble")

    def open(self, url=None):
        self.page.goto(url or self.demo_url)
        self.launcher.click()
        expect(self.input).to_be_focused()
        expect(self.bot_bubbles()).to_have_count(2)  # welcome and privacy notice, from knowledge/

    def ask(self, text, press_enter=True):
        before = self.bot_bubbles().count()
        self.input.fill(text)
        if press_enter:
            self.page.keyboard.press("Enter")
        else:
            self.page.get_by_role("button", name="Envoyer").click()
        self.wait_bot(before)
        expect(self.page.locator(".aal-typing")).to_have_text("")
        return shown(*self.bot_bubbles().all_inner_texts()[before:])

    def wait_bot(self, before):
        """Wait until a bot message beyond the first `before` ones is shown (the demo page's CSP forbids
        eval, so no wait_for_function)."""
        self.page.locator(".aal-msg--bot").nth(before).wait_for()

    def test_page(self, retry_delays="0.2,0.2,0.2", token_url="demo/token", container=""):
        """A page on the server's origin embedding the widget with test settings."""
        url = f"{self.stack.rasa_url}/webhooks/staff/test-page"
        html = (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Test</title></head>'
                f'<body><main><h1>Test</h1><div id="assistant"></div></main><script src="widget.js" '
                f'data-token-url="{token_url}" data-retry-delays="{retry_delays}" '
                f'{"data-container=" + chr(34) + container + chr(34) if container else ""}></script></body></html>')
        self.page.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                                                         body=html))
        return url


@pytest.fixture
def widget(browser, stack):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield WidgetPage(page, stack)
    context.close()


@pytest.fixture(scope="module")
def knowledge(stack):
    return load_knowledge(stack.knowledge_dir)


def test_type_a_question_and_read_the_answer(widget, knowledge):
    widget.open()
    welcome = comparable(" ".join(widget.bot_bubbles().all_inner_texts()))
    assert comparable(knowledge.messages.staff_privacy) in welcome  # written for agents (issue 17, item 6)
    answer = widget.ask("visale pour un couple ?")
    assert comparable(knowledge.answer_text("visale_couple", "professionnels")) in answer
    assert widget.page.locator(".aal-msg--user .aal-bubble").last.inner_text() == "visale pour un couple ?"
    assert not widget.errors


def test_staff_get_professional_content_with_links(widget):
    widget.open()
    answer = widget.ask("adresse mail du service accompagnement logement")
    assert "accompagnementthdf.als@actionlogement.fr" in answer
    link = widget.page.locator(".aal-msg--bot a[href^='https://']").last
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    assert "(nouvelle fenêtre)" in link.text_content()  # (sources are folded: text_content, not inner_text)
    assert widget.page.locator(".aal-msg--bot a[href='mailto:accompagnementthdf.als@actionlogement.fr']").count()


def test_a_referral_is_drafted_with_its_mail_link_and_copy_button(browser, stack, knowledge):
    """After a verdict the agent asks for the referral: a mailto: link and a copy button with the same draft."""
    from urllib.parse import parse_qs, unquote, urlsplit
    texts, aids = knowledge.dialogue.saisine, knowledge.dialogue.eligibilite.aids
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800},
                                  permissions=["clipboard-read", "clipboard-write"])
    try:
        widget = WidgetPage(context.new_page(), stack)
        widget.open()
        widget.ask("la personne que j'accompagne a 45 ans, elle est retraitée : le mobili-jeune est possible ?")
        offer = widget.page.get_by_role("button", name=texts.bouton).last
        before = widget.bot_bubbles().count()
        offer.click()
        widget.wait_bot(before)
        link = widget.page.get_by_role("link", name=texts.lien).last
        parts = urlsplit(link.get_attribute("href"))
        query = parse_qs(parts.query)
        assert parts.scheme == "mailto" and unquote(parts.path) == texts.adresse
        body = query["body"][0].replace("\r\n", "\n")
        assert query["subject"] == [texts.objet]
        assert "45 ans" in body and f"- {aids['mobili_jeune']} : {texts.aide_impossible}" in body
        copy = widget.page.locator(".aal-msg--bot").last.get_by_role("button", name=texts.copier)
        copy.click()
        copy = widget.page.locator(".aal-msg--bot .aal-copy").last
        expect(copy).to_have_text(texts.copie)
        expect(widget.page.locator(".aal-typing")).to_have_text(texts.copie)  # said to screen readers too
        clipboard = widget.page.evaluate("navigator.clipboard.readText()")
        assert clipboard == f"Objet : {texts.objet}\n\n{body}"
        assert widget.errors == []
    finally:
        context.close()


def test_click_a_quick_reply(widget, knowledge):
    widget.open()
    widget.ask("c'est quoi AL'in ?")
    titles = widget.page.locator(".aal-choice").all_inner_texts()
    answer_choices = [i for i, t in enumerate(titles) if t.strip() not in FEEDBACK_TITLES]  # not 👍 / 👎
    choice = widget.page.locator(".aal-choice").nth(answer_choices[-1])
    title = choice.inner_text()
    chosen = next(i for i, e in knowledge.entries.items() if e.title == title)
    before = widget.bot_bubbles().count()
    choice.click()
    widget.wait_bot(before)
    expect(widget.page.locator(".aal-msg--user").last).to_contain_text(title)
    answer = shown(*widget.bot_bubbles().all_inner_texts()[before:])
    assert comparable(knowledge.answer_text(chosen, "professionnels")) in answer
    expect(widget.input).to_be_focused()  # the pressed reply is now disabled: the focus goes to the input
    expect(choice).to_be_disabled()


def test_reload_keeps_the_conversation(widget):
    widget.open()
    widget.ask("visale pour un couple ?")
    texts = widget.page.locator(".aal-msg").all_inner_texts()
    conversation = widget.page.evaluate("JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage)[0])).conversation")
    widget.page.reload()
    expect(widget.page.locator(".aal-panel")).to_be_visible()  # still open
    assert widget.page.locator(".aal-msg").all_inner_texts() == texts
    assert widget.page.evaluate("JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage)[0])).conversation") \
        == conversation
    expect(widget.input).not_to_be_focused()  # a reload does not grab the focus
    widget.ask("et pour un etudiant ?")
    assert widget.page.locator(".aal-msg").count() > len(texts)


def test_new_conversation_clears_history(widget):
    widget.open()
    widget.ask("visale pour un couple ?")
    widget.page.get_by_role("button", name="Nouvelle conversation").click()
    expect(widget.bot_bubbles()).to_have_count(2)
    expect(widget.page.locator(".aal-msg--user")).to_have_count(0)


def test_inline_mode_inside_an_intranet_page(widget, knowledge):
    widget.page.goto(widget.test_page(container="#assistant"))
    expect(widget.page.locator("main #assistant .aal-panel")).to_be_visible()
    expect(widget.launcher).to_have_count(0)
    expect(widget.page.get_by_role("button", name="Fermer l'assistant")).to_have_count(0)
    expect(widget.bot_bubbles()).to_have_count(2)
    expect(widget.input).not_to_be_focused()  # nothing grabs the focus on page load
    assert comparable(knowledge.answer_text("visale_couple", "professionnels")) in widget.ask("visale pour un couple ?")


def test_html_typed_by_a_user_renders_as_text(widget):
    widget.open()
    widget.ask(f"{INJECTION} <script>alert(2)</script> **gras**")
    user = widget.page.locator(".aal-msg--user .aal-bubble").last
    assert user.inner_text() == f"{INJECTION} <script>alert(2)</script> **gras**"
    assert widget.page.locator(".aal-msg--user strong").count() == 0  # user text is never formatted
    assert widget.page.locator(".aal img, .aal script").count() == 0
    widget.page.reload()  # and again when rebuilt from the stored history
    assert widget.page.locator(".aal-msg--user .aal-bubble").last.inner_text().startswith(INJECTION)
    assert widget.page.locator(".aal img, .aal script").count() == 0
    assert widget.dialogs == [] and not widget.errors


@pytest.fixture
def poisoned_answer(stack):
    """The stack's own knowledge copy, with HTML in an answer (served live, no retraining)."""
    path = stack.knowledge_dir / "faq" / "visale.yml"
    original = path.read_bytes()
    answer = load_knowledge(stack.knowledge_dir).answer_text("visale_couple", "tous").strip()
    first_line = answer.splitlines()[0]
    poisoned = f"Avant {INJECTION} <a href=javascript:alert(3)>lien</a> [piège](javascript:alert(4)) **après**."
    path.write_text(path.read_text(encoding="utf-8").replace(first_line, poisoned, 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    yield poisoned
    path.write_bytes(original)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_html_in_a_knowledge_answer_renders_as_text(widget, poisoned_answer):
    widget.open()
    widget.ask("visale pour un couple ?")
    bubble = widget.bot_bubbles().nth(2)  # the answer (welcome, notice, answer, then 👍 / 👎)
    text = bubble.inner_text()
    assert f"Avant {INJECTION} <a href=javascript:alert(3)>lien</a> [piège](javascript:alert(4)) après." in text
    assert bubble.locator("strong").first.inner_text() == "après"
    assert widget.page.locator(".aal img, .aal script, .aal a[href^='javascript']").count() == 0
    widget.page.wait_for_timeout(300)
    assert widget.dialogs == [] and not widget.errors


def _focused(page):
    return page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {cls: e.className, id: e.id, text: (e.innerText || '').trim(),
                outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")


def test_keyboard_only(widget, knowledge):
    page = widget.page
    page.goto(widget.demo_url)
    for _ in range(10):  # the launcher is reachable with Tab
        page.keyboard.press("Tab")
        if "aal-launcher" in _focused(page)["cls"]:
            break
    focused = _focused(page)
    assert "aal-launcher" in focused["cls"] and focused["outline"] != "none" and focused["width"] >= 2
    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()
    expect(widget.bot_bubbles()).to_have_count(2)
    page.keyboard.type("c'est quoi AL'in ?")
    page.keyboard.press("Enter")
    page.locator(".aal-choice").first.wait_for()
    expect(widget.input).to_be_focused()  # the answer does not steal the focus
    page.keyboard.press("Shift+Tab")
    for _ in range(8):  # back to the quick replies, above the input (past 👍 / 👎)
        if "aal-choice" in _focused(page)["cls"] and _focused(page)["text"] not in FEEDBACK_TITLES:
            break
        page.keyboard.press("Shift+Tab")
    focused = _focused(page)
    assert "aal-choice" in focused["cls"] and focused["outline"] != "none" and focused["width"] >= 2
    before = widget.bot_bubbles().count()
    page.keyboard.press("Enter")
    widget.wait_bot(before)
    chosen = next(i for i, e in knowledge.entries.items() if e.title == focused["text"])
    assert comparable(knowledge.answer_text(chosen, "professionnels")) in shown(
        *widget.bot_bubbles().all_inner_texts()[before:])
    page.keyboard.press("Escape")  # closes, and the focus goes back to the launcher
    expect(page.locator(".aal-panel")).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")


def test_structure_for_assistive_technologies(widget):
    widget.open()
    page = widget.page
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.locator(".aal").get_attribute("lang") == "fr"
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_have_accessible_name("Conversation avec l'assistant")
    expect(page.get_by_role("status")).to_have_count(1)
    expect(page.get_by_role("textbox", name="Votre question")).to_be_visible()
    for name in ("Envoyer", "Nouvelle conversation", "Fermer l'assistant"):
        expect(page.get_by_role("button", name=name)).to_be_visible()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    assert page.locator(".aal-messages > li").count() == 2  # messages are a list
    assert page.locator(".aal-msg--bot .aal-sr").first.inner_text().strip() == "L'assistant :"


def test_empty_question_is_explained(widget):
    widget.open()
    widget.page.keyboard.press("Enter")
    expect(widget.input).to_have_attribute("aria-invalid", "true")
    expect(widget.page.locator("#aal-input-error")).to_have_text("Saisissez une question avant d'envoyer.")


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 640, "height": 400}],
                         ids=["320px", "zoom-200pc"])
def test_small_screen_and_zoom(browser, stack, viewport):
    """320 CSS px wide (RGAA 10.11), and 1280x800 at 200 % zoom (= 640x400 CSS px, RGAA 10.4)."""
    context = browser.new_context(viewport=viewport, device_scale_factor=2 if viewport["width"] == 640 else 1)
    widget = WidgetPage(context.new_page(), stack)
    try:
        widget.open()
        widget.ask("c'est quoi AL'in ?")
        page = widget.page
        overflow = page.evaluate("""() => [document.documentElement.scrollWidth - document.documentElement.clientWidth,
            document.querySelector('.aal-panel').scrollWidth - document.querySelector('.aal-panel').clientWidth]""")
        assert max(overflow) <= 1, overflow
        for locator in (widget.input, page.get_by_role("button", name="Envoyer"),
                        page.get_by_role("button", name="Fermer l'assistant"), page.locator(".aal-choice").last):
            locator.scroll_into_view_if_needed()
            box = locator.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1, box
            assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] + 1, box
        widget.page.locator(".aal-choice").last.click()  # still usable
    finally:
        context.close()


def test_unreachable_server_is_retried_then_answered(widget, knowledge):
    page = widget.page
    url = widget.test_page(retry_delays="1,1,1")
    refused = []

    def flaky(route):
        if len(refused) < 2:  # the server restarts: connections refused twice
            refused.append(route.request.url)
            route.abort("connectionrefused")
        else:
            route.continue_()

    page.route("**/webhooks/staff/webhook", flaky)
    widget.open(url)
    widget.input.fill("visale pour un couple ?")
    page.keyboard.press("Enter")
    expect(page.locator(".aal-typing")).to_contain_text("injoignable")
    widget.wait_bot(2)
    assert len(refused) == 2
    assert comparable(knowledge.answer_text("visale_couple", "professionnels")) in shown(
        widget.bot_bubbles().nth(2).inner_text())  # the answer (then 👍 / 👎)
    expect(page.get_by_role("alert")).to_have_text("")


def test_bot_unreachable_gives_a_clear_message_and_a_resend_button(widget, knowledge):
    page = widget.page
    url = widget.test_page(retry_delays="0.1,0.1")
    page.route("**/webhooks/staff/webhook", lambda route: route.abort("connectionrefused"))
    widget.open(url)
    widget.input.fill("visale pour un couple ?")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("L'assistant ne répond pas pour le moment")
    expect(page.locator(".aal-msg--user .aal-failed")).to_have_text("Message non envoyé.")
    page.unroute("**/webhooks/staff/webhook")
    page.get_by_role("button", name="Renvoyer le message").click()
    widget.wait_bot(2)
    assert comparable(knowledge.answer_text("visale_couple", "professionnels")) in shown(
        widget.bot_bubbles().nth(2).inner_text())  # the answer (then 👍 / 👎)
    expect(page.locator(".aal-failed")).to_have_count(0)


def test_empty_reply_shows_the_unavailable_message(widget, knowledge):
    page = widget.page
    page.route("**/webhooks/staff/webhook", lambda route: route.fulfill(status=200, content_type="application/json",
                                                                        body="[]"))
    widget.open()
    assert comparable(knowledge.messages.unavailable) in widget.ask("visale pour un couple ?")


def test_expired_token_is_renewed(widget, knowledge):
    page = widget.page
    served = []

    def token(route):
        minutes = -5 if not served else 5
        served.append(minutes)
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps({"token": mint_token(fake.STAFF_SECRET, "agent@ccas.fr", minutes)}))

    page.route("**/webhooks/staff/demo/token", token)
    widget.open()
    answer = widget.ask("visale pour un couple ?")
    assert served == [-5, 5]
    assert comparable(knowledge.answer_text("visale_couple", "professionnels")) in answer


def test_session_expired_on_the_intranet(widget):
    page = widget.page
    page.route("**/webhooks/staff/demo/token", lambda route: route.fulfill(status=401, body="{}"))
    widget.open()
    widget.input.fill("visale pour un couple ?")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("session a expiré")


AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
}"""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 320, "height": 640}],
                         ids=["desktop", "320px"])
def test_axe_finds_no_serious_or_critical_violation(browser, stack, viewport, request):
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    widget = WidgetPage(context.new_page(), stack)
    try:
        widget.open()
        widget.ask("adresse mail du service accompagnement logement")  # links, e-mail, buttons
        widget.ask(f"{INJECTION} et une liste ?")
        widget.page.add_script_tag(content=axe_source())
        violations = widget.page.evaluate(AXE_RUN, AXE_TAGS)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        report = json.dumps(violations, ensure_ascii=False, indent=1)
        print(f"axe-core ({request.node.callspec.id}) : {len(violations)} violation(s) — {report}")
        assert not serious, report
        # the closed state too (launcher only)
        widget.page.keyboard.press("Escape")
        violations = widget.page.evaluate(AXE_RUN, AXE_TAGS)
        assert not [v for v in violations if v["impact"] in ("serious", "critical")], violations
    finally:
        context.close()


# --- issue 17: reading a new answer, focus, stale buttons, ratings, sources, badge, screenshots ------------

def _top_of(page, locator):
    """(top of the element, top and bottom of the log's visible area), in pixels of the page."""
    box = locator.bounding_box()
    log = page.locator(".aal-log").bounding_box()
    return box["y"], log["y"], log["y"] + log["height"]


def test_a_new_answer_is_shown_from_its_first_line(widget):
    widget.open()
    widget.ask("c'est quoi AL'in ?")
    widget.ask("visale pour un couple ?")
    answer = widget.page.locator(".aal-msg--bot").nth(-2)  # the answer, then 👍 / 👎
    top, visible_top, visible_bottom = _top_of(widget.page, answer)
    assert visible_top - 1 <= top < visible_bottom - 40, (top, visible_top, visible_bottom)
    log = widget.page.locator(".aal-log")
    assert log.evaluate("l => l.scrollHeight - l.scrollTop - l.clientHeight") > 40  # not jumped to the end


def test_scrolled_up_the_user_gets_a_marker_instead_of_a_jump(widget):
    widget.open()
    widget.ask("c'est quoi AL'in ?")
    page = widget.page
    held = []
    page.route("**/webhooks/staff/webhook", lambda route: held.append(route))
    before = widget.bot_bubbles().count()
    widget.input.fill("visale pour un couple ?")
    page.keyboard.press("Enter")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    log = page.locator(".aal-log")
    log.evaluate("l => { l.scrollTop = 0; }")  # reading the start again while the answer is on its way
    held[0].continue_()
    widget.wait_bot(before)
    assert log.evaluate("l => l.scrollTop") == 0  # no jump
    marker = page.get_by_role("button", name=re.compile("Nouveaux messages"))
    marker.click()
    answer = page.locator(".aal-msg--bot").nth(before)
    expect(answer).to_be_focused()
    top, visible_top, visible_bottom = _top_of(page, answer)
    assert visible_top - 1 <= top < visible_bottom - 40
    expect(marker).to_be_hidden()


def test_after_a_reload_the_list_opens_at_the_latest_turn(widget):
    widget.open()
    widget.ask("c'est quoi AL'in ?")
    widget.ask("visale pour un couple ?")
    widget.page.reload()
    last_question = widget.page.locator(".aal-msg--user").last
    last_question.wait_for()
    top, visible_top, visible_bottom = _top_of(widget.page, last_question)
    assert visible_top - 1 <= top < visible_bottom, (top, visible_top, visible_bottom)
    assert widget.page.locator(".aal-log").evaluate("l => l.scrollTop") > 0


def test_quick_replies_of_past_turns_are_disabled(widget):
    widget.open()
    widget.ask("c'est quoi AL'in ?")
    first_turn = widget.page.locator(".aal-msg--bot").nth(2).locator(".aal-choice")
    assert first_turn.count() >= 1 and all(b.is_enabled() for b in first_turn.all())
    widget.ask("visale pour un couple ?")
    assert all(b.is_disabled() for b in first_turn.all())
    latest = widget.page.locator(".aal-msg--bot").last.locator(".aal-choice")
    assert latest.count() >= 1 and all(b.is_enabled() for b in latest.all())


def test_one_rating_per_answer_changeable_and_named(widget):
    widget.open()
    widget.ask("visale pour un couple ?")
    page = widget.page
    up = page.locator(".aal-choice[data-note='+']").last
    down = page.locator(".aal-choice[data-note='-']").last
    posted = []
    page.on("request", lambda r: posted.append(r.post_data) if r.url.endswith("/webhooks/staff/webhook") else None)
    before = widget.bot_bubbles().count()
    up.click()
    widget.wait_bot(before)
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(up).to_be_focused()
    up.click()  # the same rating again: nothing sent
    page.wait_for_timeout(300)
    echo = page.locator(".aal-msg--user").last.inner_text()
    assert AVIS.up in echo and "réponse « Oui : Visale peut couvrir deux personnes" in echo, echo
    before = widget.bot_bubbles().count()
    down.click()  # changed
    widget.wait_bot(before)
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    notes = [json.loads(p)["message"] for p in posted if p]
    assert [n.split('"note":"')[1][0] for n in notes] == ["+", "-"], notes


def test_sources_are_folded_titled_links_and_numbers_are_links(widget, knowledge):
    widget.open()
    widget.ask("visale pour un couple ?")
    page = widget.page
    sources = page.locator(".aal-msg--bot .aal-sources").last
    expect(sources.locator("summary")).to_contain_text("Sources (vérifié le ")
    assert sources.get_attribute("open") is None  # folded
    links = sources.locator("a")
    assert links.count() >= 1
    for link in links.all():
        assert not link.inner_text().startswith("http")  # the title, not the address
    widget.ask("c'est quoi visale ?")
    assert page.locator(".aal-msg--bot a[href='https://www.visale.fr']").count() \
        or page.locator(".aal-msg--bot a[href^='https://www.visale.fr']").count()
    widget.ask("quel numéro appeler chez action logement ?")
    assert page.locator(".aal-msg--bot a[href='tel:0970800800']").count() >= 1


def test_full_screen_panel_is_a_modal_dialog_that_keeps_the_focus(browser, stack):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    widget = WidgetPage(context.new_page(), stack)
    try:
        widget.open()
        page = widget.page
        panel = page.locator(".aal-panel")
        expect(panel).to_have_attribute("role", "dialog")
        expect(panel).to_have_attribute("aria-modal", "true")
        for _ in range(15):  # Tab cycles inside the dialog, never to the launcher or the page
            page.keyboard.press("Tab")
            assert page.evaluate("document.querySelector('.aal-panel').contains(document.activeElement)")
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        expect(widget.launcher).to_be_focused()  # focus restored
    finally:
        context.close()


def test_a_reply_while_closed_gives_a_badge_and_an_announcement(widget):
    page = widget.page
    widget.open()
    widget.input.fill("visale pour un couple ?")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # closed before the answer arrives
    badge = page.locator(".aal-badge")
    expect(badge).to_have_text(re.compile(r"nouveaux? messages?"))
    expect(page.locator(".aal > p[aria-live]")).to_have_text("Nouvelle réponse de l'assistant.")
    widget.launcher.click()
    expect(badge).to_be_hidden()


def test_multi_line_input_and_timestamps(widget):
    widget.open()
    page = widget.page
    widget.input.type("première ligne")
    page.keyboard.press("Shift+Enter")
    widget.input.type("visale pour un couple ?")
    assert widget.input.input_value() == "première ligne\nvisale pour un couple ?"
    before = widget.bot_bubbles().count()
    page.keyboard.press("Enter")
    widget.wait_bot(before)
    assert re.fullmatch(r"à \d\d:\d\d", page.locator(".aal-msg--user time").last.inner_text())


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 320, "height": 640}],
                         ids=["1366px", "320px"])
def test_screenshots_for_the_docs(browser, stack, viewport):
    """docs/widget-1366.png and docs/widget-320.png, from a real conversation."""
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    widget = WidgetPage(context.new_page(), stack)
    try:
        widget.open()
        widget.ask("visale pour un couple ?")
        path = PROJECT_ROOT / "docs" / f"widget-{viewport['width']}.png"
        widget.page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
    finally:
        context.close()
