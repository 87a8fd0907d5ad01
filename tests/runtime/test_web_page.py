"""The web chat page: one self-contained file whose inline code the CSP allows by hash.

The page is read with the standard library's HTML parser (independently of the regular
expressions ``runtime.api.web`` uses), so a hash that drifts from the served code, a second script,
an inline handler or a call that parses text as HTML fails here before a browser ever sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from runtime.api.web import content_security_policy, csp_hash, load_page, page
from runtime.errors import ConfigError

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "poster", "data"})


@dataclass
class Element:
    """One element of the page: its tag, its attributes and all the text inside it."""

    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = None
    text: str = ""

    def inside(self, other: Element) -> bool:
        """Say whether ``other`` is an ancestor of this element."""
        node = self.parent
        while node is not None and node is not other:
            node = node.parent
        return node is other


@dataclass
class ParsedPage:
    """Every element of the page in document order."""

    elements: list[Element] = field(default_factory=list)

    def all(self, tag: str) -> list[Element]:
        """Return the elements with this tag."""
        return [element for element in self.elements if element.tag == tag]

    def by_id(self, element_id: str) -> Element:
        """Return the single element with this id."""
        found = [element for element in self.elements if element.attrs.get("id") == element_id]
        assert len(found) == 1, f"expected one element with id {element_id!r}, found {len(found)}"
        return found[0]


class _Collector(HTMLParser):
    """Builds a ParsedPage; script and style text arrives raw, exactly as the browser hashes it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), self._open[-1] if self._open else None)
        self.page.elements.append(element)
        if tag not in VOID_ELEMENTS:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data


def parse(html: bytes) -> ParsedPage:
    """Parse the page's bytes (UTF-8)."""
    collector = _Collector()
    collector.feed(html.decode("utf-8"))
    collector.close()
    return collector.page


@pytest.fixture(scope="module")
def html() -> bytes:
    return page()[0]


@pytest.fixture(scope="module")
def policy() -> dict[str, str]:
    directives = [part.strip() for part in page()[1].split(";")]
    return {name: value for name, _, value in (d.partition(" ") for d in directives)}


@pytest.fixture(scope="module")
def parsed(html: bytes) -> ParsedPage:
    return parse(html)


@pytest.fixture(scope="module")
def script(parsed: ParsedPage) -> str:
    return parsed.all("script")[0].text


@pytest.fixture(scope="module")
def style(parsed: ParsedPage) -> str:
    return parsed.all("style")[0].text


# --- The Content-Security-Policy -----------------------------------------------------------------


def test_the_hash_follows_the_csp_specification_example() -> None:
    # GIVEN the inline script of the CSP Level 3 specification's example
    # WHEN it is hashed THEN the source expression is the one the specification gives
    assert csp_hash(b"alert('Hello, world.');") == (
        "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
    )


def test_the_policy_allows_the_inline_script_by_the_hash_of_its_exact_text(
    policy: dict[str, str], script: str
) -> None:
    # GIVEN the served page's only script, as an HTML parser reads it
    # WHEN its UTF-8 text is hashed THEN script-src allows that hash and nothing else
    assert policy["script-src"] == csp_hash(script.encode("utf-8"))


def test_the_policy_allows_the_inline_style_by_the_hash_of_its_exact_text(
    policy: dict[str, str], style: str
) -> None:
    # GIVEN the served page's only style element
    # WHEN its UTF-8 text is hashed THEN style-src allows that hash and nothing else
    assert policy["style-src"] == csp_hash(style.encode("utf-8"))


def test_the_policy_keeps_every_other_directive_strict(policy: dict[str, str]) -> None:
    # GIVEN the page's policy WHEN its directives are read
    # THEN everything but the two hashes is denied or limited to the page's own origin
    assert {k: v for k, v in policy.items() if k not in {"script-src", "style-src"}} == {
        "default-src": "'none'",
        "connect-src": "'self'",
        "img-src": "'self' data:",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    assert not re.search(r"unsafe-|\*|https?:", " ".join(policy.values()))


@pytest.mark.parametrize(
    ("html", "tag"),
    [
        (b"<style>a{}</style>", "script"),
        (b"<script>1</script><script>2</script><style>a{}</style>", "script"),
        (b"<script>1</script>", "style"),
        (b"<script>1</script><style>a{}</style><style>b{}</style>", "style"),
    ],
    ids=["no script", "two scripts", "no style", "two styles"],
)
def test_a_page_without_exactly_one_script_and_one_style_is_refused(html: bytes, tag: str) -> None:
    # GIVEN a page with a missing or a second inline element
    # WHEN its policy is built THEN the error names the element rather than hashing one of them
    with pytest.raises(ConfigError, match=f"<{tag}>"):
        content_security_policy(html)


def test_windows_line_endings_are_served_as_the_lf_text_the_browser_hashes() -> None:
    # GIVEN a page checked out with CRLF line endings (browsers hash inline code after CRLF -> LF)
    crlf = b"<style>\r\na{}\r\n</style><script>\r\nrun();\r</script>"
    # WHEN it is loaded
    served, policy = load_page(crlf)
    # THEN the served bytes carry LF only and the hashes match what the browser will compute
    assert b"\r" not in served
    assert csp_hash(b"\nrun();\n") in policy
    assert csp_hash(b"\na{}\n") in policy


def test_the_page_is_read_once_and_cached() -> None:
    # GIVEN the page was served once WHEN it is asked for again THEN the same objects come back
    assert page() is page()


# --- Self-contained, no injection points ----------------------------------------------------------


def test_the_page_has_one_inline_script_and_one_inline_style_and_no_external_code(
    parsed: ParsedPage,
) -> None:
    # GIVEN the parsed page WHEN its code-bearing elements are listed
    # THEN there is one inline script and one inline style, and nothing is loaded from elsewhere
    assert len(parsed.all("script")) == 1
    assert "src" not in parsed.all("script")[0].attrs
    assert len(parsed.all("style")) == 1
    for tag in ("iframe", "object", "embed", "frame", "base"):
        assert not parsed.all(tag), f"unexpected <{tag}>"
    for link in parsed.all("link"):
        assert link.attrs.get("rel") == "icon", f"unexpected <link rel={link.attrs.get('rel')!r}>"


def test_no_element_has_an_inline_event_handler_or_style_attribute(parsed: ParsedPage) -> None:
    # GIVEN every element of the page WHEN its attributes are checked
    # THEN none carries code the CSP would block (on* handlers, style="...")
    offending = [
        f"<{element.tag} {name}>"
        for element in parsed.elements
        for name in element.attrs
        if name.startswith("on") or name == "style"
    ]
    assert offending == []


def test_the_page_names_no_other_origin(html: bytes, parsed: ParsedPage) -> None:
    # GIVEN the whole file WHEN it is searched for absolute or protocol-relative URLs
    # THEN there is none (no CDN, fonts or images), and every URL attribute stays on this page
    text = html.decode("utf-8")
    assert re.findall(r"(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]", text) == []
    assert "url(" not in parsed.all("style")[0].text
    for element in parsed.elements:
        for name in URL_ATTRIBUTES & element.attrs.keys():
            value = element.attrs[name] or ""
            assert value.startswith(("data:", "#")), f"<{element.tag} {name}={value!r}>"


@pytest.mark.parametrize(
    "api",
    [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "createContextualFragment",
        "DOMParser",
        "srcdoc",
        "eval(",
        "Function(",
    ],
)
def test_the_script_never_turns_text_into_html_or_code(script: str, api: str) -> None:
    # GIVEN the page's script WHEN it is searched for APIs that parse strings as markup or code
    # THEN there is none: bot text reaches the page through text nodes only
    assert api not in script


def test_the_script_calls_the_api_relative_to_the_page(script: str) -> None:
    # GIVEN the page's script WHEN its requests are built
    # THEN they go through the page-relative base (works under an API Gateway stage prefix)
    assert "location.pathname" in script
    assert not re.search(r"fetch\(\s*['\"`]/", script)


# --- Accessibility and layout --------------------------------------------------------------------


def test_the_page_declares_english_and_a_mobile_viewport(parsed: ParsedPage) -> None:
    # GIVEN the page's root and meta elements WHEN they are read
    # THEN the language is English and the layout follows the device width
    assert parsed.all("html")[0].attrs.get("lang") == "en"
    viewports = [m for m in parsed.all("meta") if m.attrs.get("name") == "viewport"]
    assert len(viewports) == 1
    assert "width=device-width" in (viewports[0].attrs.get("content") or "")
    assert parsed.all("title")[0].text.strip()


def test_the_transcript_is_a_polite_live_log(parsed: ParsedPage) -> None:
    # GIVEN the transcript WHEN a screen reader looks at it
    # THEN it is a named log that announces new messages politely
    transcript = parsed.by_id("transcript")
    assert transcript.attrs.get("role") == "log"
    assert transcript.attrs.get("aria-live") == "polite"
    assert transcript.attrs.get("aria-label")


def test_the_message_box_is_labelled_multi_line_and_in_the_form(parsed: ParsedPage) -> None:
    # GIVEN the message box WHEN its label and form are read
    # THEN a <label for> names it, it takes several lines, and a submit button shares its form
    message = parsed.by_id("message")
    assert message.tag == "textarea"
    labels = [label for label in parsed.all("label") if label.attrs.get("for") == "message"]
    assert len(labels) == 1
    assert labels[0].text.strip()
    send = parsed.by_id("send")
    assert send.tag == "button"
    assert send.attrs.get("type") == "submit"
    form = parsed.by_id("composer")
    assert form.tag == "form"
    assert message.inside(form)
    assert send.inside(form)


def test_the_box_does_not_cut_text_at_utf16_units_and_describes_its_counter(
    parsed: ParsedPage,
) -> None:
    # GIVEN the message box WHEN its attributes are read
    # THEN no maxlength cuts pasted text (it counts UTF-16 units, the server counts characters),
    # and the live counter and the "too long" message describe it to screen readers
    message = parsed.by_id("message")
    assert "maxlength" not in message.attrs
    described = (message.attrs.get("aria-describedby") or "").split()
    assert {"counter", "too-long"} <= set(described)
    assert parsed.by_id("counter").text.strip() == "0 / 1,000"
    assert "hidden" in parsed.by_id("too-long").attrs


def test_every_button_has_an_accessible_name(parsed: ParsedPage) -> None:
    # GIVEN every button WHEN its name is read THEN it is not empty
    buttons = parsed.all("button")
    assert {"send", "forget", "new-chat", "more-button"} <= {b.attrs.get("id") for b in buttons}
    assert all(b.text.strip() or b.attrs.get("aria-label") for b in buttons)
    assert parsed.by_id("new-chat").text.strip() == "New chat"


def test_forget_me_sits_in_the_more_menu_behind_a_confirmation(parsed: ParsedPage) -> None:
    # GIVEN the header WHEN its controls are read in document (Tab) order
    header = parsed.all("header")[0]
    buttons = [e for e in parsed.elements if e.tag == "button" and e.inside(header)]
    # THEN "New chat" comes first, "Forget me" is inside the hidden More panel, and a modal
    # dialog with a title and a description asks before anything is erased
    assert buttons[0].attrs.get("id") == "new-chat"
    more = parsed.by_id("more")
    assert "hidden" in more.attrs and parsed.by_id("forget").inside(more)
    assert parsed.by_id("more-button").attrs.get("aria-controls") == "more"
    dialog = parsed.by_id("confirm-forget")
    assert dialog.tag == "dialog"
    assert parsed.by_id(dialog.attrs["aria-labelledby"] or "").text.strip()
    assert parsed.by_id(dialog.attrs["aria-describedby"] or "").text.strip()


def test_the_typing_indicator_is_hidden_until_the_bot_is_busy(parsed: ParsedPage) -> None:
    # GIVEN the page as served WHEN nothing has been sent THEN the typing indicator is hidden
    typing = parsed.by_id("typing")
    assert "hidden" in typing.attrs
    assert "typing" in typing.text.lower()


def test_a_polite_status_region_announces_what_is_not_in_the_log(parsed: ParsedPage) -> None:
    # GIVEN the page WHEN it reports typing and erasure THEN a polite status region exists for it
    status = [e for e in parsed.elements if e.attrs.get("role") == "status"]
    assert len(status) == 1
    assert status[0].attrs.get("aria-live") == "polite"


def test_ids_are_unique(parsed: ParsedPage) -> None:
    # GIVEN every id on the page WHEN they are counted THEN none repeats
    ids = [e.attrs["id"] for e in parsed.elements if e.attrs.get("id")]
    assert len(ids) == len(set(ids))


def test_the_style_shows_focus_and_respects_reduced_motion(style: str) -> None:
    # GIVEN the page's style WHEN its rules are read
    # THEN focused controls get a visible outline and animations stop for reduced motion
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*\d+px solid", style)
    reduced = re.search(r"@media \(prefers-reduced-motion: reduce\)\s*\{(.*?)\n\}", style, re.S)
    assert reduced is not None
    assert "animation: none" in reduced.group(1)


def test_the_page_stays_small(html: bytes) -> None:
    # GIVEN the served page WHEN it is measured
    # THEN it stays under 48 KB (about 12 KB compressed: API Gateway gzips bodies over 1 KB)
    assert len(html) < 48_000
