"""What the admin's home page shows editors about keeping the content up to date."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from treatments.models import REVIEW_SOON_DAYS, MistakeReport, Option

register = template.Library()


def review_due_text(option: Option, today) -> str:
    if option.next_review_due is None:
        return "Never reviewed"
    if option.next_review_due < today:
        return f"Overdue since {date_format(option.next_review_due, 'j F Y')}"
    return f"Due {date_format(option.next_review_due, 'j F Y')}"


@register.inclusion_tag("admin/treatments/_upkeep.html", takes_context=True)
def upkeep(context) -> dict:
    """Options whose review is overdue or due soon, and the way to deleted items."""
    user = context["request"].user
    today = timezone.localdate()
    may_see = user.has_perm("treatments.view_option") or user.has_perm("treatments.change_option")
    due = []
    if may_see:
        may_review = user.has_perm("treatments.add_review")
        for option in Option.objects.due_for_review(today=today).only(
            "name", "next_review_due", "status"
        ):
            due.append(
                {
                    "option": option,
                    "when": review_due_text(option, today),
                    "overdue": option.next_review_due is None or option.next_review_due < today,
                    "url": reverse("admin:treatments_option_change", args=[option.pk]),
                    "review_url": reverse("admin:treatments_review_add") + f"?option={option.pk}"
                    if may_review
                    else "",
                }
            )
    reports = None
    if user.has_perm("treatments.view_mistakereport"):
        reports = MistakeReport.objects.filter(done=False).count()
    return {"may_see": may_see, "due": due, "days": REVIEW_SOON_DAYS, "reports": reports}
