"""Gap labels agree with the numbers; the Borich score is explained where shown (issue 13 §1)."""

import re

from uprest.accounts.models import Role
from uprest.surveys import scoring
from uprest.surveys.scoring import Standing

BORICH = "Priority score (Borich score): the gap multiplied by how important the competence is"


def _gap(mean_gap: float, importance: float | None = 2.0) -> scoring.GapScore:
    return scoring.GapScore("X", 1, 3.0, 3.0 - mean_gap, importance, mean_gap, mean_gap, 0, 0, 0)


def test_standing_follows_the_gap_not_the_quadrant():
    # gap 0 on an unimportant, weak competence was "Less important and weak: later"
    assert scoring.standing(_gap(0.0), is_priority=False) is Standing.REACHED
    assert scoring.standing(_gap(-1.0), is_priority=False) is Standing.REACHED
    assert scoring.standing(_gap(0.5, importance=5), is_priority=False) is Standing.SMALL_GAP
    # among the top five with current ≥ 3 was "Important and strong: keep it up"
    assert scoring.standing(_gap(1.0, importance=5), is_priority=True) is Standing.TRAIN_FIRST
    assert scoring.standing(_gap(2.0), is_priority=False) is Standing.TRAIN_NEXT


def _labels(html: str) -> dict[str, str]:
    rows = re.findall(
        r'<th scope="row"[^>]*>([^<]+)</th>.*?data-label="Where it stands">([^<]+)</td>', html, re.S
    )
    return dict(rows)


def test_results_page_labels_agree_with_the_list_to_train(
    client, login_as, open_wave, answer_survey
):
    wave = open_wave()
    manager = login_as(Role.MANAGER, locale="en")
    big = {f"DIG-0{n}": 5 for n in range(1, 8)}  # seven gaps of 3: five first, two next
    answer_survey(
        wave,
        manager.business,
        required={**big, "DIG-08": 4, "DIG-09": 2},
        current=[
            {"DIG-08": 4, "DIG-09": 2, **dict.fromkeys(big, 2)},
            {"DIG-08": 3, **dict.fromkeys(big, 2)},
        ],
    )
    html = client.get(f"/surveys/{wave.id}/results").get_data(as_text=True)
    labels = _labels(html)
    values = list(labels.values())
    assert values[:5] == ["Train here first"] * 5
    assert values[5:7] == ["A gap to train after the first ones"] * 2
    assert "Less than a level to go" in values  # DIG-08: 4 needed, 3.5 today
    assert values[-1] == "The level needed is reached"
    assert "keep it up" not in html and "later" not in html.lower().split("footer")[0]
    assert BORICH in html


def test_summary_explains_the_borich_score(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    for _n in range(5):
        answer_survey(wave, create_business(place="cervia"), required=4, current=[2])
    close_wave(wave)
    login_as(Role.REVIEWER, locale="en")
    cervia = municipality("cervia")
    html = client.get(f"/reports/{cervia.id}/waves/{wave.id}").get_data(as_text=True)
    assert "Priority score" in html and BORICH in html
