"""Publishing in the admin: publishers check the draft, preview it, give a reason and publish a
numbered version; everyone on the staff can read every version and what it changed."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from treatments import releases
from treatments.models import Release

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
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = self.get_object(request, object_id)
        extra = {"can_publish": request.user.has_perm(PUBLISH_PERMISSION), "form": PublishForm()}
        if release is not None:
            earlier = Release.objects.filter(number__lt=release.number).first()
            extra["changes"] = releases.changes_between(
                releases.content_of(earlier) if earlier else [], releases.content_of(release)
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
                self.message_user(
                    request, f"{release} is published: patients see it now.", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:treatments_release_changelist"))
        current = Release.objects.current()
        draft = releases.draft_content()
        changes = releases.changes_between(releases.content_of(current) if current else [], draft)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Publish a new version",
            "form": form,
            "problems": problems,
            "changes": changes,
            "current": current,
            "previews": releases.options_in(draft),
        }
        status = 422 if form.is_bound else 200
        return TemplateResponse(
            request, "admin/treatments/release/publish.html", context, status=status
        )

    def republish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Publish an earlier version again, as the next number, with a reason."""
        self._require_publisher(request)
        return require_POST(self._republish)(request, pk)

    def _republish(self, request: HttpRequest, pk: int) -> HttpResponse:
        earlier = get_object_or_404(Release, pk=pk)
        form = PublishForm(request.POST)
        if form.is_valid():
            release = releases.publish(
                publisher_name(request), form.cleaned_data["reason"], again=earlier
            )
            self.message_user(
                request,
                f"{earlier} is published again as {release}: patients see it now.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:treatments_release_changelist"))
        # An ErrorList gives its messages as text when iterated.
        reasons = cast(Iterable[str], form.errors["reason"])
        self.message_user(request, " ".join(reasons), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:treatments_release_change", args=[pk]))
