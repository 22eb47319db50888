"""Publishing in the admin: publishers check the draft, read what it changes field by field,
preview it, give a reason and publish a numbered version; everyone on the staff can read every
version, what it changed, and compare any two."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from treatments import releases, rollback
from treatments.admin.history import admin_url
from treatments.differences import Comparison, compare
from treatments.models import Option, Release, Submission

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PUBLISH_PERMISSION = "treatments.publish_release"


class PublishForm(forms.Form):
    reason = forms.CharField(
        label="Why publish this version?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="What changed and who checked it. Kept with the version for good.",
        error_messages={"required": "Say why this version is published, then publish again."},
    )


class RepublishForm(PublishForm):
    reset_draft = forms.BooleanField(
        label="Also put the draft back to this version",
        required=False,
        help_text="Editors' changes since then are undone, so the next version does not send "
        "them out again. Options it does not have go back to draft; anything else it does not "
        "have is deleted, and can be restored from the deleted items.",
    )


def version_field(label: str) -> forms.ModelChoiceField:
    """A published version, picked by its number from a list."""
    return forms.ModelChoiceField(
        Release.objects.defer("content"),
        to_field_name="number",
        label=label,
        empty_label=None,
        error_messages={"invalid_choice": "Choose a published version from the list."},
    )


class CompareForm(forms.Form):
    before = version_field("Compare")
    after = version_field("with")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Unless chosen: the newest version against the one before it.
        latest = list(Release.objects.order_by("-number").values_list("number", flat=True)[:2])
        self.can_compare = len(latest) == 2
        if self.can_compare and not self.is_bound:
            self.initial = {"before": latest[1], "after": latest[0], **self.initial}

    def clean(self):
        data = super().clean() or {}
        if data.get("before") and data.get("before") == data.get("after"):
            raise ValidationError("Choose two different versions to compare.")
        return data


def with_links(comparison: Comparison) -> Comparison:
    """Each row linked to its page in the admin, or its option's when it has none of its own;
    no link when the draft no longer holds it. One query per kind of content."""
    wanted: dict[type[models.Model], set] = {}
    for row in comparison.rows:
        wanted.setdefault(row.model, set()).add(row.pk)
        if row.option_pk is not None:
            wanted.setdefault(Option, set()).add(row.option_pk)
    in_draft = {
        model: set(model._default_manager.filter(pk__in=pks).values_list("pk", flat=True))
        for model, pks in wanted.items()
    }
    for row in comparison.rows:
        if row.pk in in_draft[row.model]:
            row.url = admin_url(row.model, "change", row.pk)
        if not row.url and row.option_pk in in_draft.get(Option, ()):
            row.url = admin_url(Option, "change", row.option_pk)
    return comparison


def publisher_name(request: HttpRequest) -> str:
    user = cast("User", request.user)  # the admin's pages are for signed-in staff only
    return user.get_full_name() or user.get_username()


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "published_at", "published_by", "reason", "republished_from"]
    list_display_links = ["__str__"]
    change_list_template = "admin/treatments/release/change_list.html"
    change_form_template = "admin/treatments/release/change_form.html"
    readonly_fields = ["number", "published_at", "published_by", "reason", "republished_from"]
    # The same plain list of names: a list is invariant, and the stubs type fields as names or
    # groups of names.
    fields = cast(list[Any], readonly_fields)

    def get_urls(self):
        return [
            path(
                "compare/",
                self.admin_site.admin_view(self.compare_view),
                name="treatments_release_compare",
            ),
            path(
                "publish/",
                self.admin_site.admin_view(self.publish_view),
                name="treatments_release_publish",
            ),
            path(
                "<int:pk>/republish/",
                self.admin_site.admin_view(self.republish_view),
                name="treatments_release_republish",
            ),
            *super().get_urls(),
        ]

    # A version is never added by hand, changed or deleted: only published (below).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_publish": request.user.has_perm(PUBLISH_PERMISSION),
            "current": Release.objects.current(),
            "compare_form": CompareForm(auto_id="compare_%s"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = self.get_object(request, object_id)
        extra = {
            "can_publish": request.user.has_perm(PUBLISH_PERMISSION),
            "form": RepublishForm(),
        }
        if release is not None:
            earlier = Release.objects.filter(number__lt=release.number).first()
            extra["comparison"] = with_links(
                compare(
                    releases.content_of(earlier) if earlier else [], releases.content_of(release)
                )
            )
            extra["earlier"] = earlier
            extra["is_current"] = release == Release.objects.current()
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    @staticmethod
    def _require_publisher(request: HttpRequest) -> None:
        if not request.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied("Only publishers can publish a version.")

    def publish_view(self, request: HttpRequest) -> HttpResponse:
        """The draft against the rules, what it changes, previews, and the reason to publish."""
        self._require_publisher(request)
        return require_http_methods(["GET", "HEAD", "POST"])(self._publish)(request)

    def _publish(self, request: HttpRequest) -> HttpResponse:
        form = PublishForm(request.POST or None)
        problems = releases.problems_in_draft()
        if request.method == "POST" and form.is_valid():
            try:
                release = releases.publish(publisher_name(request), form.cleaned_data["reason"])
            except releases.NotPublishable as refused:
                problems = refused.problems
            except ValidationError as error:
                form.add_error(None, error)
            else:
                # What waited for review went out with this version.
                Submission.objects.waiting().update(
                    status=Submission.Status.PUBLISHED,
                    answered_by=publisher_name(request),
                    answered_at=release.published_at,
                )
                self.message_user(
                    request, f"{release} is published: patients see it now.", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:treatments_release_changelist"))
        current = Release.objects.current()
        draft = releases.draft_content()
        comparison = compare(releases.content_of(current) if current else [], draft)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Publish a new version",
            "form": form,
            "problems": problems,
            "comparison": with_links(comparison),
            "current": current,
            "previews": releases.options_in(draft),
            "waiting": Submission.objects.waiting()
            .select_related("option")
            .order_by("submitted_at"),
        }
        status = 422 if form.is_bound else 200
        return TemplateResponse(
            request, "admin/treatments/release/publish.html", context, status=status
        )

    def compare_view(self, request: HttpRequest) -> HttpResponse:
        """What one published version changes against another, chosen from the list."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = CompareForm(request.GET or None, auto_id="compare_%s")
        comparison = None
        if form.is_valid():
            before, after = form.cleaned_data["before"], form.cleaned_data["after"]
            comparison = with_links(
                compare(releases.content_of(before), releases.content_of(after))
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Compare two versions",
            "compare_form": form,
            "comparison": comparison,
        }
        status = 422 if form.is_bound and not form.is_valid() else 200
        return TemplateResponse(
            request, "admin/treatments/release/compare.html", context, status=status
        )

    def republish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Publish an earlier version again, as the next number, with a reason."""
        self._require_publisher(request)
        return require_POST(self._republish)(request, pk)

    @transaction.atomic
    def _republish(self, request: HttpRequest, pk: int) -> HttpResponse:
        earlier = get_object_or_404(Release, pk=pk)
        form = RepublishForm(request.POST)
        if not form.is_valid():
            # An ErrorList gives its messages as text when iterated.
            reasons = cast(Iterable[str], form.errors["reason"])
            self.message_user(request, " ".join(reasons), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:treatments_release_change", args=[pk]))
        release = releases.publish(
            publisher_name(request), form.cleaned_data["reason"], again=earlier
        )
        self.message_user(
            request,
            f"{earlier} is published again as {release}: patients see it now.",
            messages.SUCCESS,
        )
        if form.cleaned_data["reset_draft"]:
            self.message_user(request, said(rollback.reset_draft_to(earlier), earlier))
        return HttpResponseRedirect(reverse("admin:treatments_release_changelist"))


def said(reset: rollback.Reset, release: Release) -> str:
    """What putting the draft back did, in a few short sentences."""
    words = [f"The draft is back to {release}.", f"Rows put back as they were: {reset.saved}."]
    if reset.returned_to_draft:
        words.append("Back in draft: " + ", ".join(reset.returned_to_draft) + ".")
    if reset.deleted:
        words.append(f"Rows added since and now deleted (see the deleted items): {reset.deleted}.")
    if reset.kept:
        words.append("Kept, as draft work still uses them: " + "; ".join(reset.kept) + ".")
    return " ".join(words)
