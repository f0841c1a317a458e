"""Competence names, not codes, on charts, tables and module tags; the code is a tooltip."""

import re

from uprest.accounts.models import Role

NAME = "Energy efficiency"  # GRN-01 in uprest/surveys/framework.yaml


def test_module_tags_and_filter_show_names(client, login_as, courses):
    login_as(Role.LEARNER, locale="en")
    catalogue = client.get("/learn/catalogue").get_data(as_text=True)
    assert f'<span class="tag" title="GRN-01">{NAME}</span>' in catalogue
    assert f'<option value="GRN-01">{NAME}</option>' in catalogue
    module = client.get("/learn/modules/green-basics").get_data(as_text=True)
    assert f'<span class="tag" title="GRN-01">{NAME}</span>' in module


def test_summary_chart_and_tables_show_names(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    for _n in range(5):
        answer_survey(wave, create_business(place="cervia"), required=4, current=[2])
    close_wave(wave)
    login_as(Role.REVIEWER, locale="en")
    cervia = municipality("cervia")
    html = client.get(f"/reports/{cervia.id}/waves/{wave.id}").get_data(as_text=True)
    labels = re.findall(
        r'<text x="10" y="[\d.]+" font-size="12" fill="#1b2430">([^<]+)</text>', html
    )
    assert NAME in labels and not [label for label in labels if re.fullmatch(r"[A-Z]+-\d+", label)]
    assert f'<th scope="row" title="GRN-01">{NAME}</th>' in html
    assert "<abbr" not in html


def test_gap_profile_names_competences(client, login_as, open_wave, answer_survey):
    wave = open_wave()
    manager = login_as(Role.MANAGER, locale="en")
    answer_survey(wave, manager.business, required={"GRN-01": 5}, current=[{"GRN-01": 1}])
    html = client.get(f"/surveys/{wave.id}/results").get_data(as_text=True)
    assert f'<strong title="GRN-01">{NAME}</strong>:' in html and "(GRN-01)" not in html
