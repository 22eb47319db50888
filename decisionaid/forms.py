"""Forms for the guided flow. Forms validate and normalise; views act.

Questions come from the content: a form is built from the questions of one step.
Every message says what to do.
"""

from typing import Any, cast

from django import forms

from decisionaid import stand, sure
from treatments.models import Question

MAX_VALUES = 3
MAX_OWN_QUESTIONS = 500
MAX_CONCERN = 200


class QuestionsForm(forms.Form):
    """One field per content question of a step: radios for "choose one", boxes for "choose any"."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            choices = [(c.slug, c.label) for c in question.related.choices]
            asked = f"“{question.text}”"
            messages = {
                "invalid_choice": f"Choose one of the answers shown for {asked}",
                "invalid_list": f"Choose from the answers shown for {asked}",
            }
            field: forms.ChoiceField
            if question.kind == Question.Kind.MANY:
                required = f"Choose at least one answer for {asked}"
                none = next((c for c in question.related.choices if c.exclusive), None)
                if none is not None:
                    required += f". If none of them apply, choose “{none.label}”"
                field = forms.MultipleChoiceField(
                    label=question.text,
                    help_text=question.hint,
                    choices=choices,
                    required=question.required,
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={
                        **messages,
                        "required": required,
                    },
                )
            else:
                field = forms.ChoiceField(
                    label=question.text,
                    help_text=question.hint,
                    choices=choices,
                    required=question.required,
                    widget=forms.RadioSelect,
                    error_messages={**messages, "required": f"Choose an answer for {asked}"},
                )
            self.fields[question.slug] = field

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for question in self.questions:
            chosen = cleaned.get(question.slug)
            if question.kind != Question.Kind.MANY or not chosen or len(chosen) < 2:
                continue
            for choice in question.related.choices:
                if choice.exclusive and choice.slug in chosen:
                    self.add_error(
                        question.slug,
                        f"“{choice.label}” cannot be chosen with other answers. "
                        "Untick it, or untick the others.",
                    )
        return cleaned

    def answers(self) -> dict[str, list[str]]:
        """The chosen slugs per question, always as a list; unanswered questions are left out."""
        chosen = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.slug)
            if value:
                chosen[question.slug] = list(value) if isinstance(value, list) else [value]
        return chosen


class ValuesForm(forms.Form):
    values = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one thing that matters to you.",
            "invalid_choice": "Choose from the statements shown.",
            "invalid_list": "Choose from the statements shown.",
        },
    )

    concern = forms.CharField(
        required=False,
        max_length=MAX_CONCERN,
        widget=forms.TextInput(attrs={"maxlength": MAX_CONCERN}),
        error_messages={
            "max_length": f"Your concern must be {MAX_CONCERN} characters or fewer. "
            "Shorten it and try again.",
        },
    )

    def __init__(self, *args, values, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["values"]).choices = [
            (v.slug, v.statement) for v in values
        ]
        self.hints = {v.slug: v.hint for v in values}

    def clean_concern(self):
        return " ".join(self.cleaned_data["concern"].split())

    def clean_values(self):
        chosen = self.cleaned_data["values"]
        if len(chosen) > MAX_VALUES:
            raise forms.ValidationError(
                f"Choose up to {MAX_VALUES} things. You chose {len(chosen)}: untick the ones that "
                "matter least."
            )
        return chosen


class ConsideringForm(forms.Form):
    considering = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose from the options shown.",
            "invalid_list": "Choose from the options shown.",
        },
    )

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["considering"]).choices = [
            (o.slug, o.name) for o in options
        ]


class StandForm(forms.Form):
    """Where the person stands (decisionaid/stand.py): a leaning for each option they consider,
    how far along they are and how they want to decide. Every answer may be left out."""

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        for option in options:
            self.fields[stand.leaning_field(option.slug)] = self._radios(
                option.name, stand.LEANINGS, f"Choose which way you lean on {option.name}"
            )
        self.fields["stage"] = self._radios(
            stand.STAGE_QUESTION, stand.STAGES, "Choose how far along you are"
        )
        self.fields["role"] = self._radios(
            stand.ROLE_QUESTION, stand.ROLES, "Choose how you want to decide"
        )

    @staticmethod
    def _radios(label: str, choices: dict[str, str], what: str) -> forms.ChoiceField:
        return forms.ChoiceField(
            label=label,
            choices=list(choices.items()),
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": f"{what} from the answers shown, or leave it out."},
        )

    def leaning(self) -> dict[str, str]:
        """Option slug -> leaning, for the options given one."""
        return {
            option.slug: lean
            for option in self.options
            if (lean := self.cleaned_data.get(stand.leaning_field(option.slug)))
        }


class ClinicianQuestionsForm(forms.Form):
    suggested = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose from the questions shown.",
            "invalid_list": "Choose from the questions shown.",
        },
    )
    own = forms.CharField(
        required=False,
        max_length=MAX_OWN_QUESTIONS,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_OWN_QUESTIONS}),
        error_messages={
            "max_length": f"Your questions must be {MAX_OWN_QUESTIONS} characters or fewer. "
            "Shorten them and try again.",
        },
    )

    # The suggested questions shown at first; the rest open in place.
    FIRST_SHOWN = 4

    def __init__(self, *args, suggested, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["suggested"]).choices = [
            (q.slug, q.text) for q in suggested
        ]
        self.folded = {str(q.slug) for q in suggested[self.FIRST_SHOWN :]}

    @property
    def more_ticked(self) -> bool:
        """Whether a question among those folded away is ticked: then they show open."""
        return bool(self.folded & {str(slug) for slug in self["suggested"].value() or []})

    def clean_own(self):
        # Keep line breaks the person typed, but not runs of blank lines or stray spaces.
        lines = [line.strip() for line in self.cleaned_data["own"].splitlines()]
        return "\n".join(line for line in lines if line)


class SureForm(forms.Form):
    """The SURE test's items (decisionaid/sure.py), each a yes or a no."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item, question in sure.ITEMS.items():
            self.fields[item] = forms.ChoiceField(
                label=question,
                choices=sure.ANSWERS,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Answer yes or no: {question[:-1].lower()}.",
                    "invalid_choice": "Answer yes or no.",
                },
            )


class KnowledgeForm(forms.Form):
    """The knowledge check: each question's answers, and "I'm not sure"."""

    def __init__(self, *args, questions, unsure: str, skip_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.skip_url = skip_url  # where passing the check by leads
        for question in questions:
            asked = f"“{question.text}”"
            self.fields[question.slug] = forms.ChoiceField(
                label=question.text,
                choices=[(c.slug, c.label) for c in question.related.choices]
                + [(unsure, "I'm not sure")],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose an answer for {asked}, or “I'm not sure”",
                    "invalid_choice": f"Choose one of the answers shown for {asked}",
                },
            )
