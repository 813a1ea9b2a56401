"""Reads of the organisation profile. Who may see an office: orgprofile.access."""

from dataclasses import dataclass

from django.db.models import Q

from .calendar import calendar_kept
from .models import Office, Profile, ProfileAnswer, ProfileQuestion, ProfileQuestionSet

# --- Organisation profile -------------------------------------------------------------------


def profile_question_set_for(*, fiscal_year: int) -> ProfileQuestionSet | None:
    """The questions asked in `fiscal_year`: that year's set, or the latest earlier one."""
    return ProfileQuestionSet.objects.filter(fiscal_year__lte=fiscal_year).order_by("-fiscal_year").first()


def profile_for(*, office: Office, fiscal_year: int) -> Profile | None:
    return Profile.objects.filter(office=office, fiscal_year=fiscal_year).select_related("carried_from").first()


_ANSWERED = Q(not_applicable=True) | ~Q(html="")


def _questions_asked(fiscal_year: int) -> tuple[int]:
    question_set = profile_question_set_for(fiscal_year=fiscal_year)
    return (question_set.questions.count() if question_set is not None else 0,)


def profile_progress(*, office: Office, fiscal_year: int) -> tuple[int, int]:
    """(questions answered, questions asked) for the office home: one small query, the number
    of questions being kept with the calendar (calendar.py; a change of the questions
    replaces it)."""
    (total,) = calendar_kept(f"profile-questions:{fiscal_year}", lambda: _questions_asked(fiscal_year))
    if not total:
        return 0, 0
    answered = (
        ProfileAnswer.objects.filter(profile__office=office, profile__fiscal_year=fiscal_year).filter(_ANSWERED).count()
    )
    return answered, total


@dataclass
class ProfileRow:
    question: ProfileQuestion
    answer: ProfileAnswer | None

    @property
    def is_answered(self) -> bool:
        return self.answer is not None and self.answer.is_answered


@dataclass
class ProfileSheet:
    office: Office
    fiscal_year: int
    question_set: ProfileQuestionSet | None
    profile: Profile | None
    rows: list[ProfileRow]

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.is_answered)

    @property
    def total(self) -> int:
        return len(self.rows)

    def groups(self):
        """Rows grouped as the seed groups them: part → group (ก, ข, ค) → questions."""
        parts: list[dict] = []
        for row in self.rows:
            q = row.question
            if not parts or parts[-1]["number"] != q.part_number:
                parts.append(
                    {"number": q.part_number, "title": q.part_title, "description": q.part_description, "groups": []}
                )
            groups = parts[-1]["groups"]
            if not groups or groups[-1]["letter"] != q.group_letter:
                groups.append({"letter": q.group_letter, "title": q.group_title, "rows": []})
            groups[-1]["rows"].append(row)
        return parts


def profile_sheet(*, office: Office, fiscal_year: int) -> ProfileSheet:
    """All questions of the year with the office's answers: four queries whatever the size."""
    question_set = profile_question_set_for(fiscal_year=fiscal_year)
    profile = profile_for(office=office, fiscal_year=fiscal_year)
    questions = list(question_set.questions.all()) if question_set else []
    answers = {}
    if profile is not None:
        answers = {a.question_id: a for a in profile.answers.select_related("updated_by")}
    return ProfileSheet(
        office=office,
        fiscal_year=fiscal_year,
        question_set=question_set,
        profile=profile,
        rows=[ProfileRow(question=q, answer=answers.get(q.pk)) for q in questions],
    )


def profile_answer_for(*, office: Office, fiscal_year: int, question: ProfileQuestion) -> ProfileAnswer | None:
    return (
        ProfileAnswer.objects.filter(profile__office=office, profile__fiscal_year=fiscal_year, question=question)
        .select_related("updated_by")
        .first()
    )


def profile_answer_revisions(*, answer: ProfileAnswer) -> list:
    return list(answer.revisions.select_related("created_by").order_by("-number"))
