"""The editors' admin pages on what changed: an option's history with all its parts, the changes
since its last review, deleted items with a way to restore them, and the site-wide log of who
changed what, with its download."""

import csv
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from treatments import history
from treatments.content import spreadsheet_cell
from treatments.models import Option

PARTS_PER_PAGE = 50
DELETED_PER_PAGE = 100
ACTIVITY_PER_PAGE = 100

if TYPE_CHECKING:
    # OptionHistoryMixin is only mixed into the option's ModelAdmin (see django-stubs on typing
    # mixins): that base is for the type checker alone.
    _OptionAdminBase = admin.ModelAdmin[Option]
else:
    _OptionAdminBase = object


def admin_url(model, view: str, *args) -> str:
    """The admin address of a model's page, or "" when the model has no admin page."""
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
    except NoReverseMatch:
        return ""


class OptionHistoryMixin(_OptionAdminBase):
    """For the option's admin: its History page also lists the changes to all its parts; a page
    of the changes since it was last reviewed; and its reviews, with a link to record one."""

    object_history_template = "admin/treatments/option/object_history.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/changes-since-review/",
                self.admin_site.admin_view(self.changes_since_review_view),
                name="treatments_option_changes_since_review",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        context = dict(extra_context or {})
        if self.has_view_or_change_permission(request):
            try:
                option_id = int(unquote(object_id))
            except ValueError:
                raise Http404 from None
            # PartsHistory answers len() and slices, which is all the Paginator asks of it.
            parts = cast(Sequence[Any], history.PartsHistory(option_id))
            paginator = Paginator(parts, PARTS_PER_PAGE)
            page = paginator.get_page(request.GET.get("parts"))
            context["parts_page"] = page
            context["parts_page_range"] = paginator.get_elided_page_range(page.number)
            query = request.GET.copy()  # the option's own entries keep their page (?p=)
            query.pop("parts", None)
            context["parts_query"] = query.urlencode()
            context["part_rows"] = [part_row(record) for record in page.object_list]
            if Option.objects.filter(pk=option_id).exists():
                context["changes_since_review_url"] = reverse(
                    "admin:treatments_option_changes_since_review", args=[option_id]
                )
        return super().history_view(request, object_id, extra_context=context)

    def changes_since_review_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        option = self.get_object(request, unquote(object_id))
        if option is None:
            raise Http404("No such option.")
        if not self.has_view_or_change_permission(request, option):
            raise PermissionDenied
        moment = history.review_moment(option)
        changes = history.changes_since_review(option, moment) if moment else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": option,
            "title": f"Changes since the last review: {option}",
            "moment": moment,
            "changes": changes,
            "change_url": reverse("admin:treatments_option_change", args=[option.pk]),
            "history_url": reverse("admin:treatments_option_history", args=[option.pk]),
        }
        return render(request, "admin/treatments/option/changes_since_review.html", context)

    @admin.display(description="Reviews")
    def reviews(self, option):
        if not option.pk:
            return "Save the option first; then record its reviews here."
        context = {
            "add_url": admin_url_with_query("review", "add", {"option": option.pk}),
            "changes_url": reverse(
                "admin:treatments_option_changes_since_review", args=[option.pk]
            ),
            "recent": option.reviews.all()[:3],
        }
        return render_to_string("admin/treatments/option/_reviews.html", context)


def admin_url_with_query(model_name: str, view: str, query: dict) -> str:
    try:
        url = reverse(f"admin:treatments_{model_name}_{view}")
    except NoReverseMatch:
        return ""
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def part_row(record) -> dict:
    """One line of an option's parts' history: when, who, what and where to look further."""
    model = record.instance_type
    pk = getattr(record, model._meta.pk.attname)
    return {
        "record": record,
        "kind": history.kind_of(model),
        "description": history.describe(record),
        "what": history.what_happened(record),
        "history_url": admin_url(model, "history", pk),
        "version_url": admin_url(model, "simple_history", pk, record.history_id),
    }


# -- Deleted items ---------------------------------------------------------------------------


def _viewable_models(request):
    return [
        model
        for model in history.content_models()
        if request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
        or request.user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
    ]


def _may_restore(request, model) -> bool:
    return request.user.has_perm(f"{model._meta.app_label}.add_{model._meta.model_name}")


def deleted_items(request: HttpRequest) -> HttpResponse:
    """Every deleted content item that has not been restored, newest first."""
    models = _viewable_models(request)
    if not models:
        raise PermissionDenied
    items = history.deleted_items(models)
    paginator = Paginator(items, DELETED_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    for item in page.object_list:
        item.may_restore = _may_restore(request, item.model)
        item.history_url = admin_url(
            item.model, "history", getattr(item.record, item.model._meta.pk.attname)
        )
    context = {
        **admin.site.each_context(request),
        "title": "Deleted items",
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number),
    }
    return render(request, "admin/treatments/deleted_items.html", context)


@require_POST
def restore_deleted(request: HttpRequest) -> HttpResponse:
    """Put one deleted item back (with the parts deleted with it) and go to it."""
    back = reverse("admin:deleted_items")
    try:
        model, record = history.find_deleted(
            request.POST.get("kind", ""), request.POST.get("history_id")
        )
    except history.CannotRestore as reason:
        messages.error(request, str(reason))
        return HttpResponseRedirect(back)
    if not _may_restore(request, model):
        raise PermissionDenied
    try:
        restored = history.restore(model, record, user=request.user)
    except history.CannotRestore as reason:
        messages.error(request, str(reason))
        return HttpResponseRedirect(back)
    message = f"“{history.describe(record)}” is back, as it was when it was deleted."
    if restored.parts:
        message += f" {len(restored.parts)} of its parts deleted with it are back too."
    if restored.cited_again:
        message += (
            " The item that cited it when it was deleted cites it again."
            if restored.cited_again == 1
            else f" The {restored.cited_again} items that cited it when it was deleted cite it "
            "again."
        )
    if restored.sources_missing:
        message += (
            f" {restored.sources_missing} of the sources it had are deleted themselves; "
            "restore them or choose others."
        )
    messages.success(request, message)
    return HttpResponseRedirect(admin_url(model, "change", restored.obj.pk) or back)


# -- The site-wide log ------------------------------------------------------------------------


class ActivityFilters(forms.Form):
    """The log's filters, from the address: each one optional, each bad one named."""

    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_staff=True).order_by("username"),
        required=False,
        empty_label="Everyone",
        error_messages={
            "invalid_choice": "No member of staff has that number: choose a person from the list."
        },
    )
    option = forms.ModelChoiceField(
        queryset=Option.objects.order_by("name"),
        required=False,
        empty_label="Every option and shared content",
        error_messages={
            "invalid_choice": "No option has that number: choose an option from the list."
        },
    )
    since = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the first day as a date, like 2026-01-31."},
    )
    until = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the last day as a date, like 2026-01-31."},
    )

    def clean(self):
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        if since and until and since > until:
            # add_error also leaves the bad day out of cleaned_data.
            self.add_error("until", "The last day comes before the first: swap them or change one.")
        return self.cleaned_data

    def filters(self) -> history.Filters:
        """The filters that were given well (a bad one is left out, and named on the page)."""
        self.is_valid()
        data = self.cleaned_data
        return history.Filters(
            person_id=data["person"].pk if data.get("person") else None,
            option_id=data["option"].pk if data.get("option") else None,
            since=data.get("since"),
            until=data.get("until"),
        )


def activity_log(request: HttpRequest) -> HttpResponse:
    """Who did what and when across the content, newest first, filterable."""
    models = _viewable_models(request)
    if not models:
        raise PermissionDenied
    form = ActivityFilters(request.GET)
    filters = form.filters()
    log = cast(Sequence[Any], history.Activity(models, filters))
    paginator = Paginator(log, ACTIVITY_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.url = _entry_url(entry)
        entry.option_url = (
            reverse("admin:treatments_option_change", args=[entry.option_id])
            if entry.option_id and not entry.option_name.endswith("(deleted)")
            else ""
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **admin.site.each_context(request),
        "title": "Who changed what",
        "form": form,
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "query": query.urlencode(),
    }
    return render(request, "admin/treatments/activity_log.html", context)


class _Line:
    """Where csv.writer writes a row: it hands the row back as text, to stream."""

    def write(self, text: str) -> str:
        return text


def activity_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The log with the page's filters, as a spreadsheet, streamed: every change, however many."""
    models = _viewable_models(request)
    if not models:
        raise PermissionDenied
    log = history.Activity(models, ActivityFilters(request.GET).filters())
    today = timezone.localdate().isoformat()
    return StreamingHttpResponse(
        _csv_lines(log.entries()),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="who-changed-what-{today}.csv"'},
    )


def _csv_lines(entries: Iterator[history.Entry]) -> Iterator[str]:
    # A byte-order mark first, so Excel reads accents; every cell quoted, as OWASP advises.
    writer = csv.writer(_Line(), quoting=csv.QUOTE_ALL)
    when = f"When ({timezone.get_current_timezone_name()})"
    yield "\ufeff" + writer.writerow([when, "Who", "Change", "Kind", "Item", "Option"])
    for entry in entries:
        user = entry.record.history_user
        cells = [
            timezone.localtime(entry.record.history_date).strftime("%Y-%m-%d %H:%M:%S"),
            user.get_username() if user else "Not recorded",
            entry.action,
            entry.kind,
            entry.description,
            entry.option_name or "Shared content",
        ]
        yield writer.writerow([spreadsheet_cell(cell) for cell in cells])


def _entry_url(entry) -> str:
    """The item's admin page; its history once deleted; else its option's page."""
    pk = getattr(entry.record, entry.model._meta.pk.attname)
    if entry.record.history_type == "-":
        return admin_url(entry.model, "history", pk)
    own = admin_url(entry.model, "change", pk)
    if own:
        return own
    if entry.option_id:
        return reverse("admin:treatments_option_change", args=[entry.option_id])
    return ""


def site_pages(site: admin.AdminSite) -> list:
    """The editors' pages across every kind of content, for the admin site to add to its own."""
    return [
        path("deleted/", site.admin_view(deleted_items), name="deleted_items"),
        path("deleted/restore/", site.admin_view(restore_deleted), name="restore_deleted"),
        path("activity/", site.admin_view(activity_log), name="activity_log"),
        path("activity.csv", site.admin_view(activity_csv), name="activity_csv"),
    ]
