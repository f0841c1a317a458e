"""The module document: validation, translation keys and completeness, Markdown, fallbacks."""

import copy

import pytest

from tests.conftest import COURSES
from uprest.courses import document as doc
from uprest.courses import draft, package
from uprest.courses.localise import Localised
from uprest.courses.markdown import embed_url, render_markdown
from uprest.courses.validation import validate_document


@pytest.fixture
def online(app):
    with app.app_context():
        found, problems = package.read_module(COURSES / "online-presence")
    assert problems == []
    return found


def messages(problems):
    return [str(p) for p in problems]


@pytest.mark.nodb
def test_fixture_package_is_valid_and_partly_translated(online):
    assert validate_document(online) == []
    done, total = doc.completeness(online, "sv")
    # title, summary, 2 lesson titles, 31 quiz strings, 2 lesson bodies
    assert total == 2 + 2 + 31 + 2 and 0 < done < total
    assert doc.completeness(online, "en") == (total, total)
    assert doc.complete_locales(online) == {"en": 100, "sv": done * 100 // total}


@pytest.mark.nodb
@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d["module"].update(slug="Not A Slug"), "lower-case"),
        (lambda d: d["module"]["competences"].append({"code": "DIG-1", "level": 9}), "DIG-1"),
        (
            lambda d: d["module"]["quiz"]["questions"][0]["options"][1].update(correct=True),
            "exactly one",
        ),
        (lambda d: d["module"]["quiz"]["questions"].append({"id": "q9", "type": "essay"}), "type"),
        (lambda d: d["module"].update(colour="red"), "colour"),
        (lambda d: d["text"]["en"].pop("summary"), "summary"),
        (lambda d: d["text"]["sv"].update(extra="x"), "extra"),
        (lambda d: d["text"]["en"]["quiz"]["q5"].update(answers="GDPR"), "answers"),
        (lambda d: d["bodies"]["en"].pop("your-website"), "your-website"),
        (lambda d: d["text"]["en"].update(title=True), "quotes"),
    ],
)
def test_validation_refuses_with_a_clear_message(app, online, change, expected):
    broken = copy.deepcopy(online)
    change(broken)
    with app.app_context():
        found = " ".join(messages(validate_document(broken)))
    assert expected in found


@pytest.mark.nodb
def test_localised_falls_back_to_the_default_language(online):
    sv = Localised(online, "sv")
    assert sv.title == "Syns på nätet" and not sv.title.is_fallback
    prompt = sv.t("quiz", "q3", "prompt")
    assert prompt.is_fallback and prompt.lang == "en"
    assert sv.body("your-website").is_fallback
    assert not sv.body("why-be-found").is_fallback
    assert sv.is_untranslated("quiz") and not sv.is_untranslated("title")
    assert not Localised(online, "en").is_untranslated("quiz")
    assert Localised(online, "it").title.lang == "en"


@pytest.mark.nodb
def test_markdown_is_sanitised_and_videos_are_allowlisted():
    html = render_markdown(
        "# Head\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n"
        "https://youtu.be/dQw4w9WgXcQ\n\nhttps://video.example/evil\n\n![Map](https://ex.org/m.png)",
        "Video",
    )
    assert "<script" not in html and "javascript:" not in html.replace("[x](javascript", "")
    assert "<h2>Head</h2>" in html
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert "<iframe" in html and html.count("<iframe") == 1
    assert '<img src="https://ex.org/m.png" alt="Map">' in html


@pytest.mark.nodb
@pytest.mark.parametrize(
    "url, embed",
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("http://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://evil.example/embed/dQw4w9WgXcQ", None),
    ],
)
def test_embed_urls(url, embed):
    assert embed_url(url) == embed


@pytest.mark.nodb
def test_draft_edits_keep_translations_consistent(app, online):
    edited = copy.deepcopy(online)
    with app.app_context():
        qid = draft.add_question(edited, "matching")
        draft.update_question(
            edited,
            qid,
            {
                "prompt": "Match them",
                "pairs": [
                    {"id": "", "left": "L1", "right": "R1"},
                    {"id": "", "left": "L2", "right": "R2"},
                ],
                "options": [],
                "answer": False,
                "tolerance": 0,
                "answers": [],
                "feedback_correct": "Yes",
                "feedback_incorrect": "No",
            },
        )
        draft.update_question(
            edited,
            "q1",
            {
                "prompt": "Where?",
                "options": [
                    {"id": "a", "text": "Search", "feedback": "Yes", "correct": True},
                    {"id": "b", "text": "", "feedback": "", "correct": False},
                    {"id": "c", "text": "Station", "feedback": "No", "correct": False},
                ],
                "pairs": [],
                "answer": False,
                "tolerance": 0,
                "answers": [],
                "feedback_correct": "",
                "feedback_incorrect": "",
            },
        )
        draft.remove_lesson(edited, "your-website")
        assert validate_document(edited) == []
    assert doc.get_in(edited["text"]["sv"], ("quiz", "q1", "options", "b")) is None
    assert "your-website" not in edited["bodies"]["en"]
