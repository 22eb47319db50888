"""A person's answers: kept in their session (a signed cookie), never in our database.

The answers are plain slugs and short strings, so they can also travel in a signed resume link.
"""

from dataclasses import asdict, dataclass, field, fields

from django.core import signing

SESSION_KEY = "answers"
SURE_ITEMS = ("sure", "understand", "risks_benefits", "support")


@dataclass
class Answers:
    # question slug -> chosen choice slugs (one for "choose one" questions)
    choices: dict[str, list[str]] = field(default_factory=dict)
    # value slugs, in the order the person chose them
    values: list[str] = field(default_factory=list)
    # option slugs the person is considering
    considering: list[str] = field(default_factory=list)
    # suggested-question ids the person ticked, and their own questions (free text)
    suggested_questions: list[int] = field(default_factory=list)
    own_questions: str = ""
    # SURE test: item -> "yes" / "no"
    sure: dict[str, str] = field(default_factory=dict)
    # step slugs the person has completed
    done: list[str] = field(default_factory=list)

    @classmethod
    def from_data(cls, data) -> "Answers":
        """Rebuild answers from untrusted data, keeping only values of the right shape."""
        if not isinstance(data, dict):
            return cls()
        answers = cls()
        choices = data.get("choices")
        if isinstance(choices, dict):
            answers.choices = {
                str(q): [str(c) for c in cs if isinstance(c, str)][:20]
                for q, cs in list(choices.items())[:100]
                if isinstance(q, str) and isinstance(cs, list)
            }
        for name in ("values", "considering", "done"):
            items = data.get(name)
            if isinstance(items, list):
                setattr(answers, name, [str(i) for i in items if isinstance(i, str)][:50])
        suggested = data.get("suggested_questions")
        if isinstance(suggested, list):
            answers.suggested_questions = [i for i in suggested if isinstance(i, int)][:50]
        own = data.get("own_questions")
        if isinstance(own, str):
            answers.own_questions = own[:1000]
        sure = data.get("sure")
        if isinstance(sure, dict):
            answers.sure = {k: v for k, v in sure.items() if k in SURE_ITEMS and v in ("yes", "no")}
        return answers

    @classmethod
    def from_session(cls, session) -> "Answers":
        return cls.from_data(session.get(SESSION_KEY))

    def save(self, session) -> None:
        session[SESSION_KEY] = self.to_data()

    def to_data(self) -> dict:
        return asdict(self)

    @property
    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))

    def chosen_pairs(self) -> set[tuple[str, str]]:
        """Every (question slug, choice slug) the person picked."""
        return {(q, c) for q, cs in self.choices.items() for c in cs}

    @property
    def sure_score(self) -> int | None:
        """SURE test: one point per "yes"; None until all four items are answered."""
        if len(self.sure) < len(SURE_ITEMS):
            return None
        return sum(1 for v in self.sure.values() if v == "yes")


RESUME_SALT = "decisionaid.resume"
RESUME_MAX_AGE = 90 * 24 * 3600  # a resume link works for 90 days


def make_resume_token(answers: Answers) -> str:
    """The answers, compressed and signed, for a link that reopens the journey anywhere."""
    return signing.dumps(answers.to_data(), salt=RESUME_SALT, compress=True)


def read_resume_token(token: str) -> Answers:
    """The answers in a resume link. Raises signing.BadSignature (or SignatureExpired)."""
    return Answers.from_data(signing.loads(token, salt=RESUME_SALT, max_age=RESUME_MAX_AGE))
