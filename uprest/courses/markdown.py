"""Lesson Markdown to safe HTML: markdown-it-py, allowlisted video embeds, then nh3."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Only privacy-enhanced players: no cookies until the learner presses play.
VIDEO_PATTERNS = [
    (
        re.compile(
            r"^https://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/|youtube\.com/embed/|"
            r"youtube-nocookie\.com/embed/)([A-Za-z0-9_-]{11})(?:[?&#].*)?$"
        ),
        "https://www.youtube-nocookie.com/embed/{}",
    ),
    (
        re.compile(r"^https://(?:player\.)?vimeo\.com/(?:video/)?(\d{4,12})(?:[?#].*)?$"),
        "https://player.vimeo.com/video/{}?dnt=1",
    ),
]
EMBED_SOURCE = re.compile(
    r"^(?:https://www\.youtube-nocookie\.com/embed/[A-Za-z0-9_-]{11}"
    r"|https://player\.vimeo\.com/video/\d{4,12}\?dnt=1)$"
)

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "div", "iframe",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "iframe": {"src", "title", "allowfullscreen", "loading"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "div": {"class"},
}


def embed_url(url: str) -> str | None:
    """The privacy-enhanced player URL for an allowlisted video link, else None."""
    for pattern, template in VIDEO_PATTERNS:
        match = pattern.match(url.strip())
        if match:
            return template.format(match.group(1))
    return None


def _video_rule(state) -> None:
    """A paragraph holding nothing but a video link becomes an embedded player."""
    tokens = state.tokens
    i = 0
    while i + 2 < len(tokens):
        opening, inline, closing = tokens[i : i + 3]
        if opening.type == "paragraph_open" and inline.type == "inline":
            src = embed_url(_bare_url(inline))
            if src and closing.type == "paragraph_close":
                block = Token("html_block", "", 0)
                block.content = (
                    f'<div class="video"><iframe src="{escape(src)}" title="\x00" '
                    'loading="lazy" allowfullscreen></iframe></div>\n'
                )
                tokens[i : i + 3] = [block]
        i += 1


def _bare_url(inline: Token) -> str:
    children = [c for c in inline.children or [] if c.type != "softbreak"]
    if len(children) == 1 and children[0].type == "text":
        return children[0].content
    if len(children) == 3 and children[0].type == "link_open":
        return children[0].attrGet("href") or ""
    return ""


def _shift_headings(state) -> None:
    """The lesson title is the page's h1, so the body's headings start at h2."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )
    md.core.ruler.push("uprest_video", _video_rule)
    md.core.ruler.push("uprest_headings", _shift_headings)
    return md


_MD = _parser()


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "iframe" and attribute == "src":
        return value if EMBED_SOURCE.match(value) else None
    if attribute == "style":
        return value if re.fullmatch(r"text-align:(left|right|center)", value) else None
    if tag == "div" and attribute == "class":
        return value if value == "video" else None
    return value


@lru_cache(maxsize=512)
def render_markdown(text: str, video_title: str = "Video") -> str:
    """Safe HTML for a lesson body; raw HTML in the source is shown as text, never run."""
    html = _MD.render(text or "").replace("\x00", escape(video_title))
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
