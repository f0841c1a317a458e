"""The notification worker sends what is due through a real SMTP server, each message once,
in the recipient's language, with a preferences link that works without signing in."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.smtp_sink import smtp_sink
from uprest.accounts.models import Role
from uprest.core.time import utcnow
from uprest.courses.models import Module
from uprest.extensions import db
from uprest.learning import services as learning
from uprest.learning.models import Enrolment, LearningEvent
from uprest.notifications import services
from uprest.notifications.models import Notification, NotificationKind, NotificationOptOut
from uprest.surveys.models import SelfAssessment


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free port, and the app's mail pointed at it."""
    mailman = app.extensions["mailman"]
    saved = {k: getattr(mailman, k) for k in ("backend", "server", "port", "use_tls", "use_ssl")}
    with smtp_sink() as sink:
        mailman.backend, mailman.server, mailman.port = "smtp", "127.0.0.1", sink.port
        mailman.use_tls = mailman.use_ssl = False
        try:
            yield sink
        finally:
            for key, value in saved.items():
                setattr(mailman, key, value)


def _run(runner):
    result = runner.invoke(args=["uprest", "send-notifications"])
    return result


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _module(slug="green-basics") -> Module:
    return db.session.scalar(sa.select(Module).where(Module.slug == slug))


def _enrol(user, slug="green-basics") -> Enrolment:
    enrolment = learning.enrol(user, _module(slug))
    db.session.commit()
    return enrolment


def test_worker_sends_once_in_the_recipients_language(runner, smtp, courses, create_user):
    swede = create_user(Role.LEARNER, locale="sv", display_name="Sara")
    _enrol(swede)
    result = _run(runner)
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    [message] = smtp.messages
    assert message["To"] == swede.email
    assert message["Subject"].startswith("Du är anmäld till")
    body = _body(message)
    assert "Hej Sara!" in body and "http://localhost/learn/modules/green-basics" in body
    link = re.search(r"http://localhost/notifications/preferences/\S+", body).group(0)
    assert str(message["List-Unsubscribe"]).strip() == f"<{link}>"
    # A second run, and a third, send nothing more.
    assert "sent 0, failed 0" in _run(runner).output
    assert "sent 0, failed 0" in _run(runner).output
    assert len(smtp.messages) == 1
    row = db.session.scalar(sa.select(Notification))
    assert row.key.startswith("enrolled:") and row.sent_at is not None


def test_without_a_chosen_language_the_municipalitys_is_used(runner, smtp, open_wave, create_user):
    manager = create_user(Role.MANAGER, place="tartu")
    open_wave("Kevadlaine", place="tartu")
    _run(runner)
    [message] = [m for m in smtp.messages if m["To"] == manager.email]
    assert "Kevadlaine" in message["Subject"]
    assert "avatud" in message["Subject"]  # Estonian: the survey is open


def test_wave_opened_and_closing_reach_only_those_concerned(
    app, runner, smtp, open_wave, create_user, create_business
):
    here = create_business(place="cervia")
    done = create_user(Role.LEARNER, business=here, locale="en")
    pending = create_user(Role.LEARNER, business=here, locale="en")
    create_user(Role.LEARNER, business=create_business(place="tartu"), locale="en")
    create_user(Role.TRAINER, locale="en")
    wave = open_wave("Spring wave", place="cervia", days=(-10, 2))
    db.session.add(SelfAssessment(wave=wave, user=done, business_id=here.id, submitted_at=utcnow()))
    db.session.commit()
    _run(runner)
    got = sorted((m["To"], str(m["Subject"]).strip()) for m in smtp.messages)
    # Opened ten days ago (past the look-back): no "opened"; closing in two days: a reminder
    # for the one who has not finished, and for no one elsewhere.
    assert got == [(pending.email, "Reminder: the survey “Spring wave” closes on " + _long(wave))]


def _long(wave) -> str:
    from babel.dates import format_date

    return format_date(wave.closes_on, "long", locale="en")


def test_idle_reminder_after_n_days_once_per_quiet_stretch(app, runner, smtp, courses, create_user):
    learner = create_user(Role.LEARNER, locale="en")
    enrolment = _enrol(learner)
    long_ago = utcnow() - timedelta(days=20)
    enrolment.started_at = long_ago
    db.session.execute(
        sa.update(LearningEvent)
        .where(LearningEvent.enrolment_id == enrolment.id)
        .values(created_at=long_ago)
    )
    db.session.commit()
    app.config["UPREST_NOTIFY_IDLE_DAYS"] = 30
    try:
        _run(runner)
        assert smtp.messages == []  # 20 days quiet, 30 configured
    finally:
        app.config["UPREST_NOTIFY_IDLE_DAYS"] = 14
    _run(runner)
    [message] = smtp.messages
    assert message["Subject"] == "Continue Green basics" or message["Subject"].startswith(
        "Continue "
    )
    assert "for 20 days" in _body(message)
    _run(runner)
    assert len(smtp.messages) == 1


def test_certificate_earned(runner, smtp, courses, create_user):
    learner = create_user(Role.LEARNER, locale="it")
    enrolment = _enrol(learner)
    db.session.execute(sa.delete(Notification))
    db.session.add(
        Notification(user_id=learner.id, kind="enrolled", key=f"enrolled:{enrolment.id}")
    )
    enrolment.completed_at = utcnow()
    enrolment.certificate_code = "c" * 32
    db.session.commit()
    _run(runner)
    [message] = smtp.messages
    assert message["Subject"].startswith("Il tuo attestato")
    assert "http://localhost/learn/modules/green-basics/certificate" in _body(message)


def test_a_claim_made_elsewhere_is_not_sent_again(runner, smtp, courses, create_user):
    learner = create_user(Role.LEARNER, locale="en")
    enrolment = _enrol(learner)
    # Another worker, running at the same time, claimed it first.
    db.session.add(
        Notification(user_id=learner.id, kind="enrolled", key=f"enrolled:{enrolment.id}")
    )
    db.session.commit()
    due = services.Due(learner, NotificationKind.ENROLLED, f"enrolled:{enrolment.id}")
    assert services.claim(due) is None
    _run(runner)
    assert smtp.messages == []


def test_overlapping_runs_send_each_notification_once(runner, smtp, courses, create_user):
    learner = create_user(Role.LEARNER, locale="en")
    _enrol(learner)
    # Run A has worked out what is due; before it sends, run B (cron's next tick) sends it all.
    seen_by_a = services.due_notifications()
    assert len(seen_by_a) == 1
    assert "sent 1, failed 0" in _run(runner).output
    # A goes on with its list: its claim collides with B's row, so it sends nothing.
    assert services.send_due(due=seen_by_a) == (0, 0)
    assert len(smtp.messages) == 1


def test_a_refused_message_is_tried_again_next_run(app, runner, smtp, courses, create_user):
    learner = create_user(Role.LEARNER, locale="en")
    _enrol(learner)
    mailman = app.extensions["mailman"]
    port, mailman.port = mailman.port, 1  # nothing listens there
    try:
        result = _run(runner)
    finally:
        mailman.port = port
    assert result.exit_code == 1 and "sent 0, failed 1" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert "sent 1, failed 0" in _run(runner).output


def test_opted_out_kinds_are_not_sent(runner, smtp, courses, create_user):
    learner = create_user(Role.LEARNER, locale="en")
    db.session.add(NotificationOptOut(user_id=learner.id, kind="enrolled"))
    db.session.commit()
    _enrol(learner)
    _run(runner)
    assert smtp.messages == []


def test_preferences_open_from_the_mail_without_signing_in(client, create_user):
    learner = create_user(Role.LEARNER, locale="lv")
    token = services.preferences_token(learner)
    page = client.get(f"/notifications/preferences/{token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<html lang="lv">' in text and learner.email in text
    response = client.post(
        f"/notifications/preferences/{token}",
        data={"kind_enrolled": "y", "kind_certificate": "y", "submit": "1"},
    )
    assert response.status_code == 302
    assert services.opted_out(learner) == {
        NotificationKind.WAVE_OPENED,
        NotificationKind.WAVE_CLOSING,
        NotificationKind.IDLE,
    }
    client.post(f"/notifications/preferences/{token}", data={"unsubscribe": "1"})
    assert services.opted_out(learner) == set(NotificationKind)


def test_a_forged_preferences_link_is_refused(client, create_user):
    learner = create_user(Role.LEARNER)
    token = services.preferences_token(learner)
    assert client.get(f"/notifications/preferences/{token}x").status_code == 404
    assert client.get("/notifications/preferences/1").status_code == 404


def test_signed_in_people_reach_their_own_preferences(client, login_as):
    user = login_as(Role.LEARNER)
    response = client.get("/notifications/preferences")
    assert response.status_code == 302
    assert response.location.endswith(services.preferences_token(user))


def test_the_worker_needs_the_sites_address(app, runner):
    saved = app.config["SERVER_NAME"], app.config.get("UPREST_BASE_URL")
    app.config["SERVER_NAME"], app.config["UPREST_BASE_URL"] = None, ""
    try:
        result = _run(runner)
    finally:
        app.config["SERVER_NAME"], app.config["UPREST_BASE_URL"] = saved
    assert result.exit_code != 0 and "UPREST_BASE_URL is not set" in result.output


def test_links_use_the_configured_base_url(app, runner, smtp, courses, create_user):
    learner = create_user(Role.LEARNER, locale="en")
    _enrol(learner)
    # As in production: no SERVER_NAME, the site's address from UPREST_BASE_URL.
    server_name = app.config["SERVER_NAME"]
    app.config["SERVER_NAME"] = None
    app.config["UPREST_BASE_URL"] = "https://learn.example.org/learning"
    try:
        _run(runner)
    finally:
        app.config["UPREST_BASE_URL"] = ""
        app.config["SERVER_NAME"] = server_name
    body = _body(smtp.messages[0])
    assert "https://learn.example.org/learning/learn/modules/green-basics" in body
    assert "https://learn.example.org/learning/notifications/preferences/" in body


def test_notifications_are_in_the_data_export_and_go_with_the_account(
    client, runner, smtp, courses, login_as
):
    from tests.conftest import PASSWORD

    learner = login_as(Role.LEARNER, locale="en")
    _enrol(learner)
    _run(runner)
    services.set_preferences(learner, {NotificationKind.ENROLLED})
    db.session.commit()
    data = client.get("/profile/export").get_json()
    assert data["notifications_turned_off"] == sorted(
        k.value for k in NotificationKind if k is not NotificationKind.ENROLLED
    )
    [sent] = data["notifications_sent"]
    assert sent["kind"] == "enrolled" and sent["sent_at"]
    response = client.post("/profile/delete", data={"delete-password": PASSWORD})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationOptOut)) == 0


def test_a_claim_left_unsent_by_a_dead_run_is_released(runner, smtp, courses, create_user):
    learner = create_user(Role.LEARNER, locale="en")
    enrolment = _enrol(learner)
    key = f"enrolled:{enrolment.id}"
    db.session.add(
        Notification(
            user_id=learner.id, kind="enrolled", key=key, claimed_at=utcnow() - timedelta(hours=2)
        )
    )
    db.session.commit()
    assert "sent 1, failed 0" in _run(runner).output
    assert len(smtp.messages) == 1


def test_a_fresh_claim_of_a_running_worker_is_left_alone(runner, smtp, courses, create_user):
    learner = create_user(Role.LEARNER, locale="en")
    enrolment = _enrol(learner)
    db.session.add(
        Notification(
            user_id=learner.id,
            kind="enrolled",
            key=f"enrolled:{enrolment.id}",
            claimed_at=utcnow() - timedelta(minutes=5),
        )
    )
    db.session.commit()
    assert "sent 0, failed 0" in _run(runner).output
