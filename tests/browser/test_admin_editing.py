"""An editor works on the largest option in Chromium, signed in as a member of the Editors group:
a page a few screens long, Save at the top, no burst of requests, and no silent overwrites."""

import re

import pytest
from django.contrib.auth.models import User
from django.db.models import Count
from playwright.sync_api import expect

from tests.browser.conftest import _make_page
from tests.browser.steps import sign_in
from tests.users import make_staff
from treatments import releases
from treatments.models import Option, Release, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREEN = {"width": 1366, "height": 900}
HARD = (
    "Statistically significant haemodynamic perturbations necessitated discontinuation of "
    "administration. Considerable proportions of participants experienced intolerable effects."
)


@pytest.fixture
def editor(editors_group):
    return make_staff("editor", editors_group, first_name="Ada", last_name="Editor")


@pytest.fixture
def screen(browser, live_server):
    context, wrapped = _make_page(browser, live_server, javascript=True, viewport=SCREEN)
    yield wrapped
    context.close()
    assert wrapped.console_errors == [], "the browser console showed errors"
    assert wrapped.outside_requests == [], "the page asked another origin for something"


def axe_with_pickers(screen, axe) -> list:
    """axe's findings on a page that may have source pickers, once they are drawn."""
    screen.page.wait_for_load_state("networkidle")
    before = list(screen.console_errors)
    found = axe(screen)
    # axe-core adds a <style> of its own while it checks the pickers, which the page's
    # Content-Security-Policy rightly refuses: the tool's noise, not the page's.
    screen.console_errors[:] = before + [
        error
        for error in screen.console_errors[len(before) :]
        if "Applying inline style violates" not in error
    ]
    return found


def largest_option() -> Option:
    """The bundled option with the most rows on its page."""
    return (
        Option.objects.annotate(
            rows=Count("claims", distinct=True)
            + Count("regions", distinct=True)
            + Count("costs", distinct=True)
        )
        .order_by("-rows", "pk")
        .first()
    )


def background_requests(page, base_url: str) -> list[str]:
    requests: list[str] = []
    page.on(
        "request",
        lambda r: (
            requests.append(r.url)
            if r.url.startswith(base_url) and r.resource_type in ("xhr", "fetch")
            else None
        ),
    )
    return requests


def open_largest_option(screen, base_url: str) -> tuple[Option, list[str]]:
    """Sign in and open the largest option's page; with the requests it sends in the background."""
    option = largest_option()
    sign_in(screen, "editor")
    requests = background_requests(screen.page, base_url)
    screen.goto(f"/admin/treatments/option/{option.pk}/change/")
    screen.page.wait_for_load_state("networkidle")
    return option, requests


def test_the_largest_option_fits_in_eight_screens_with_save_at_the_top_and_a_contents_list(
    screen, editor, content, live_server
):
    option, requests = open_largest_option(screen, live_server.url)

    height = screen.page.evaluate("document.documentElement.scrollHeight")
    assert height <= 8 * SCREEN["height"], f"{height} px is more than 8 screens"
    assert len(requests) <= 1, requests

    saves = screen.page.locator("input[name=_save]")
    assert saves.count() == 2
    assert saves.first.bounding_box()["y"] < SCREEN["height"]  # Save on the first screen

    contents = screen.page.locator("nav.page-contents a")
    targets = contents.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    anchors = [t for t in targets if t.startswith("#")]
    assert {"#claims-heading", "#regions-heading", "#costs-heading", "#elsewhere-heading"} <= set(
        anchors
    )
    for anchor in anchors:
        assert screen.page.locator(anchor).count() == 1, anchor
    studies = contents.filter(has_text="Studies")
    expect(studies).to_have_text(f"Studies ({option.studies.count()})")

    # The long groups are on their own page, filtered to this option.
    studies.click()
    screen.page.wait_for_load_state()
    assert f"option__id__exact={option.pk}" in screen.page.url
    expect(screen.page.locator("#result_list tbody tr")).to_have_count(option.studies.count())
    expect(screen.page.locator(".option-rows-back")).to_contain_text(option.name)


def test_the_grade_sits_under_its_box_and_only_that_box_is_graded_again(
    screen, editor, content, live_server
):
    _, requests = open_largest_option(screen, live_server.url)
    assert requests == []  # graded by the server as the page was made

    box = screen.page.locator("textarea[name=summary]")
    note = screen.page.locator("#id_summary_grade")
    expect(note).to_have_text(re.compile(r"^(Reading grade -?\d+(\.\d)?|Too short to grade)"))
    box.fill(HARD)
    box.blur()
    expect(note).to_contain_text("try shorter sentences and words")
    expect(note).to_have_class(re.compile("grade--high"))
    assert len(requests) == 1


def test_a_stale_copy_is_refused_naming_who_changed_it_and_keeps_what_was_typed(
    screen, editor, content, editors_group
):
    option = largest_option()
    sign_in(screen, "editor")
    screen.goto(f"/admin/treatments/option/{option.pk}/change/")

    # Another editor saves the option while this page is open.
    other = User.objects.create_user("grace", first_name="Grace", last_name="Hopper")
    option.refresh_from_db()
    option.how_given = "Changed by Grace while Ada was typing."
    option._history_user = other
    option.save()

    typed = "Ada's own new summary. It is short and plain."
    screen.page.fill("textarea[name=summary]", typed)
    screen.page.locator("input[name=_continue]").first.click()
    screen.page.wait_for_load_state()

    errors = screen.page.locator(".errornote + .errorlist, ul.errorlist.nonfield")
    expect(errors.first).to_contain_text("Grace Hopper changed this option")
    expect(errors.first).to_contain_text("Nothing was saved")
    expect(screen.page.locator("textarea[name=summary]")).to_have_value(typed)
    # Grace's change is in the form now, so saving again keeps both.
    expect(screen.page.locator("textarea[name=how_given]")).to_have_value(option.how_given)
    option.refresh_from_db()
    assert option.summary != typed

    screen.page.locator("input[name=_continue]").first.click()
    screen.page.wait_for_load_state()
    expect(screen.page.locator(".messagelist")).to_contain_text("was changed successfully")
    option.refresh_from_db()
    assert option.summary == typed
    assert option.how_given == "Changed by Grace while Ada was typing."


def test_axe_finds_nothing_on_the_main_admin_pages_as_an_editor(
    screen, editor, content, live_server, axe
):
    option = largest_option()
    source = option.claims.first().sources.first()
    sign_in(screen, "editor")
    found = {}
    for address in [
        "/admin/",
        "/admin/treatments/option/",
        f"/admin/treatments/option/{option.pk}/change/",
        f"/admin/treatments/source/{source.pk}/change/",
    ]:
        screen.goto(address)
        found[address] = axe_with_pickers(screen, axe)
    assert found == {address: [] for address in found}

    # The pickers' search boxes are named for what they search, rows added later included.
    screen.goto(f"/admin/treatments/option/{option.pk}/change/")
    searches = screen.page.locator("#claims-group .select2-search__field")
    expect(searches.first).to_have_attribute("aria-label", "Search for sources")
    screen.page.locator("#claims-group .add-row a").click()
    expect(searches.last).to_have_attribute("aria-label", "Search for sources")
    # No "Remove all items" beside the chosen sources: removing one never clears them all.
    expect(screen.page.locator(".select2-selection__clear")).to_have_count(0)


def test_axe_finds_nothing_on_the_log_of_who_changed_what(
    screen, editor, content, live_server, axe
):
    sign_in(screen, "editor")
    option = largest_option()
    found = {}
    for address in ["/admin/activity/", f"/admin/activity/?option={option.pk}&since=soon"]:
        screen.goto(address)
        found[address] = axe(screen)
    assert found == {address: [] for address in found}
    expect(screen.page.locator(".errornote")).to_contain_text("Some filters could not be used")
    expect(screen.page.locator("#activity-log tbody tr").first).to_contain_text(option.name)


def test_save_stays_in_view_and_never_covers_the_field_being_typed_in(
    screen, editor, content, live_server
):
    open_largest_option(screen, live_server.url)
    bar = screen.page.locator(".save-bar")
    save = bar.locator("input[name=_save]")
    screen.page.locator("#claims-heading").scroll_into_view_if_needed()
    box = save.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"], box

    # A field at the foot of the screen, where the bar lies, moves up above it once focused.
    field = screen.page.locator("#claims-group textarea").nth(8)
    field.evaluate(
        "f => window.scrollTo(0, f.getBoundingClientRect().bottom + window.scrollY"
        " - window.innerHeight + 5)"
    )
    field.focus()
    field_box, bar_box = field.bounding_box(), bar.bounding_box()
    assert field_box["y"] + field_box["height"] <= bar_box["y"], (field_box, bar_box)


SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [390, 320])
def test_the_log_of_who_changed_what_works_at_phone_width(
    open_page, editor, content, live_server, axe, width
):
    phone = open_page(live_server.url, viewport={"width": width, "height": 800})
    page = phone.page
    sign_in(phone, "editor")
    option = largest_option()
    phone.goto("/admin/activity/")
    assert page.evaluate(SIDEWAYS) == 0
    assert axe(phone) == []

    # Every filter in full view, its label beside or above it, and each one usable.
    for name in ["person", "option", "since", "until"]:
        for control in [page.locator(f"label[for=id_{name}]"), page.locator(f"#id_{name}")]:
            box = control.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
    page.locator("#id_option").select_option(str(option.pk))
    page.locator("#id_since").fill("2020-01-01")
    page.locator("#activity-filters input[type=submit]").click()
    page.wait_for_url(f"**/admin/activity/?*option={option.pk}*")
    rows = page.locator("#activity-log tbody tr")
    expect(rows.first).to_contain_text(option.name)
    assert page.evaluate(SIDEWAYS) == 0
    assert axe(phone) == []
    download = page.locator("#activity-download a")
    expect(download).to_have_attribute("href", re.compile(f"option={option.pk}&since=2020-01-01"))
    box = download.bounding_box()
    assert box["x"] + box["width"] <= width, box


FOCUSED = "() => document.activeElement"


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def test_a_source_picker_works_by_keyboard_alone_and_removing_one_source_keeps_the_rest(
    screen, editor, content, live_server, axe
):
    option, _ = open_largest_option(screen, live_server.url)
    page = screen.page
    claim = (
        option.claims.annotate(cited=Count("sources")).filter(cited__gte=2).order_by("pk").first()
    )
    chosen = list(claim.sources.all())  # in the picker's order, the sources' own
    extra = Source.objects.exclude(pk__in=[s.pk for s in chosen]).order_by("slug").first()
    row = page.locator(f"#claims-group tr.form-row:has(input[name$='-id'][value='{claim.pk}'])")
    chips = row.locator(".select2-selection__choice")
    expect(chips).to_have_count(len(chosen))

    # From the row's text box, Tab reaches the picker's search box.
    search = row.locator(".select2-search__field")
    row.locator("textarea[name$='-text']").focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        if search.evaluate("box => box === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the row's source search box")
    expect(search).to_have_attribute("aria-label", "Search for sources")

    # Type, and choose the source with the arrow keys and Enter.
    page.keyboard.type(extra.slug)
    highlighted = page.locator(".select2-results__option--highlighted")
    for _ in range(10):
        highlighted.wait_for()
        if highlighted.inner_text() == extra.picker_label():
            break
        page.keyboard.press("ArrowDown")
    expect(highlighted).to_have_text(extra.picker_label())
    page.keyboard.press("Enter")
    expect(chips).to_have_count(len(chosen) + 1)
    expect(chips.last).to_have_attribute("title", extra.picker_label())
    assert focused_matches(page, ".select2-search__field")

    # Shift+Tab goes back through each chosen source's own remove button, last first.
    names = [f"Remove {s.picker_label()}" for s in [*chosen, extra]]
    for name in reversed(names):
        page.keyboard.press("Shift+Tab")
        assert focused_matches(page, ".select2-selection__choice__remove"), name
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == name
    # On the first one now: Enter removes that source only.
    page.keyboard.press("Enter")
    kept = [*chosen[1:], extra]
    expect(chips).to_have_count(len(kept))
    assert chips.evaluate_all("cs => cs.map(c => c.title)") == [s.picker_label() for s in kept]
    # Focus moves to the remove button that took its place, and no list opens.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == names[1]
    expect(page.locator(".select2-container--open")).to_have_count(0)
    # Space works it too; the last one left is still there to remove.
    page.keyboard.press("Space")
    kept = kept[1:]
    assert chips.evaluate_all("cs => cs.map(c => c.title)") == [s.picker_label() for s in kept]
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == names[2]

    page.wait_for_load_state("networkidle")
    found = axe(screen)
    screen.console_errors[:] = [
        e for e in screen.console_errors if "Applying inline style violates" not in e
    ]
    assert found == []
    page.locator("input[name=_continue]").first.click()
    page.wait_for_load_state()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert set(claim.sources.all()) == set(kept)


def test_axe_finds_nothing_on_the_other_admin_pages_this_project_adds(
    screen, editors_group, publishers_group, content, live_server, axe
):
    """As a publisher, who sees them all: the versions and comparing two, one version, what
    waits for review, deleted items, an option's changes since its review, the list of claims
    and recording a review."""
    make_staff("publisher", editors_group, publishers_group)
    sign_in(screen, "publisher")
    option = largest_option()
    first = Release.objects.current()
    again = releases.publish("publisher", "The same content, to compare.", again=first)
    found = {}
    for address in [
        "/admin/treatments/release/",
        f"/admin/treatments/release/{again.pk}/change/",
        f"/admin/treatments/release/compare/?before={first.number}&after={again.number}",
        "/admin/treatments/submission/",
        "/admin/treatments/submission/add/",
        "/admin/deleted/",
        f"/admin/treatments/option/{option.pk}/changes-since-review/",
        "/admin/treatments/claim/",
        f"/admin/treatments/review/add/?option={option.pk}",
    ]:
        assert screen.goto(address).status == 200, address
        found[address] = axe_with_pickers(screen, axe)
    assert found == {address: [] for address in found}
