"""Where a student is in a conversation with the bot (aiogram FSM states)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Onboarding(StatesGroup):
    """First the language and consent, then the profile, one answer per step. The same steps
    serve /profile edits (with "mode": "edit" in the state data)."""

    language = State()
    consent = State()
    full_name = State()
    university = State()
    study_level = State()
    field_of_study = State()
    interests = State()
    topics = State()
    seeking = State()
    phone = State()
    email = State()
    cv = State()


PROFILE_STEPS: tuple[State, ...] = (
    Onboarding.full_name,
    Onboarding.university,
    Onboarding.study_level,
    Onboarding.field_of_study,
    Onboarding.interests,
    Onboarding.topics,
    Onboarding.seeking,
    Onboarding.phone,
    Onboarding.email,
    Onboarding.cv,
)
STEP_BY_STATE: dict[str, State] = {str(step.state): step for step in PROFILE_STEPS}
STEP_BY_FIELD: dict[str, State] = {
    "full_name": Onboarding.full_name,
    "university": Onboarding.university,
    "study_level": Onboarding.study_level,
    "field_of_study": Onboarding.field_of_study,
    "interests": Onboarding.interests,
    "topics": Onboarding.topics,
    "seeking": Onboarding.seeking,
    "phone": Onboarding.phone,
    "email": Onboarding.email,
    "cv": Onboarding.cv,
}


class Privacy(StatesGroup):
    confirm_delete = State()


# Keys of the FSM data.
START_SOURCE = "start_source"  # the deep-link payload, kept here until consent
MODE = "mode"  # "edit" while a /profile edit runs a step
TOPICS_PAGE = "topics_page"
EDIT = "edit"
