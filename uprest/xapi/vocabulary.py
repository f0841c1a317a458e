"""The xAPI vocabulary the app writes and reads: verb, activity type, extension and category
IRIs (ADL, cmi5, the TinCan registry), each spelled once here so the emitter, the LRS's rules
and the progress projection cannot drift apart."""

from __future__ import annotations

ADL = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITY = "http://adlnet.gov/expapi/activities/"
CMI5 = "https://w3id.org/xapi/cmi5/"
CMI5_EXTENSION = CMI5 + "context/extensions/"

# Verbs -----------------------------------------------------------------------------------------

REGISTERED = ADL + "registered"
LAUNCHED = ADL + "launched"
INITIALIZED = ADL + "initialized"
EXPERIENCED = ADL + "experienced"
ANSWERED = ADL + "answered"
PROGRESSED = ADL + "progressed"
COMPLETED = ADL + "completed"
PASSED = ADL + "passed"
FAILED = ADL + "failed"
TERMINATED = ADL + "terminated"
MASTERED = ADL + "mastered"
VOIDED = ADL + "voided"
# cmi5's LMS verbs, from the ADL vocabulary on w3id.org.
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
WAIVED = "https://w3id.org/xapi/adl/verbs/waived"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
EARNED = "http://id.tincanapi.com/verb/earned"

# The verbs the app's own statements use, by the name ``xapi.emitter`` knows them by.
APP_VERBS = {
    "registered": REGISTERED,
    "launched": LAUNCHED,
    "experienced": EXPERIENCED,
    "answered": ANSWERED,
    "completed": COMPLETED,
    "passed": PASSED,
    "failed": FAILED,
    "progressed": PROGRESSED,
    "earned": EARNED,
    "mastered": MASTERED,
}


def adl_name(verb: str) -> str | None:
    """``passed`` for the ADL verb ``…/expapi/verbs/passed``; None for a verb from elsewhere."""
    return verb.removeprefix(ADL) if verb.startswith(ADL) else None


def verb_name(verb: str) -> str:
    """A verb IRI's last segment (``waived``), its display name where no other is given."""
    return verb.rsplit("/", 1)[-1]


# Activity types --------------------------------------------------------------------------------

MODULE_TYPE = ADL_ACTIVITY + "module"
LESSON_TYPE = ADL_ACTIVITY + "lesson"
ASSESSMENT_TYPE = ADL_ACTIVITY + "assessment"
QUESTION_TYPE = ADL_ACTIVITY + "cmi.interaction"
COURSE_TYPE = ADL_ACTIVITY + "course"  # a learning path
OBJECTIVE_TYPE = ADL_ACTIVITY + "objective"  # a competence
BADGE_TYPE = "http://id.tincanapi.com/activitytype/badge"
AU_TYPE = CMI5 + "activitytype/au"
CMI5_COURSE_TYPE = CMI5 + "activitytype/course"

# Extensions and context categories -------------------------------------------------------------

ATTEMPT = "http://id.tincanapi.com/extension/attempt-id"
SESSION_ID = CMI5_EXTENSION + "sessionid"
LAUNCH_MODE = CMI5_EXTENSION + "launchmode"
MOVE_ON = CMI5_EXTENSION + "moveon"
MASTERY_SCORE = CMI5_EXTENSION + "masteryscore"
REASON = CMI5 + "result/extensions/reason"
PROGRESS = CMI5 + "result/extensions/progress"
CMI5_CATEGORY = CMI5 + "context/categories/cmi5"
MOVEON_CATEGORY = CMI5 + "context/categories/moveon"

# Attachments (xAPI §2.4.11) --------------------------------------------------------------------

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
