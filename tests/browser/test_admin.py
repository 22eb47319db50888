"""An editor's day in the admin, in Chromium: edit, see the grade, be refused, restore."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.steps import sign_in
from treatments.models import Claim, Term

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_edits_a_harm_sees_the_grade_and_restores_the_earlier_version(
    page, editor, factory
):
    option = factory.make_option(ready=True, name="An option")
    harm = option.harms[0]
    original = harm.text
    sign_in(page, "editor")

    page.goto(f"/admin/treatments/option/{option.pk}/change/")
    box = page.page.locator(f"textarea[name='claims-{list(option.claims.all()).index(harm)}-text']")
    box.fill(
        "Statistically significant haemodynamic perturbations necessitated discontinuation. "
        "A considerable proportion of participants experienced intolerable consequences."
    )
    # The grade under the box changes when the editor pauses: a pause, then a request to the
    # server, which takes seconds when every core is busy (as under the whole suite).
    expect(box.locator("xpath=following-sibling::p[1]")).to_contain_text(
        "try shorter", timeout=20_000
    )
    page.page.locator("input[name=_continue]").first.click()
    page.page.wait_for_load_state()
    # The saved text is flagged above grade 8, under its box.
    expect(page.page.locator(".grade-note.grade--high").first).to_contain_text("try shorter")
    harm.refresh_from_db()
    assert harm.text.startswith("Statistically significant")

    page.goto(f"/admin/treatments/claim/{harm.pk}/history/")
    page.page.locator("#change-history a").last.click()  # the oldest version
    page.page.click("input[value=Revert]")
    page.page.wait_for_load_state()
    harm.refresh_from_db()
    assert harm.text == original


def test_publishing_an_option_without_harms_is_refused_with_the_reason(page, editor, factory):
    option = factory.make_option(name="Unfinished option")
    factory.make_claim(option, kind=Claim.Kind.BENEFIT)
    sign_in(page, "editor")
    page.goto(f"/admin/treatments/option/{option.pk}/change/")
    page.page.click("input[name=_mark_ready]")
    page.page.wait_for_load_state()
    message = page.page.locator(".messagelist").inner_text()
    assert "is not ready for the next version" in message
    assert "Add at least one harm or side effect." in message
    # Patients cannot see it.
    page.expected_statuses.add(404)
    assert page.goto(f"/options/{option.slug}/").status == 404
    assert "Unfinished option" not in page.goto("/options/").text()


def test_every_content_form_grades_its_text_as_the_editor_types(page, editor):
    term = Term.objects.create(
        term="Flare", slug="flare", definition="A time when pain gets worse. It passes."
    )
    sign_in(page, "editor")
    page.goto(f"/admin/treatments/term/{term.pk}/change/")
    box = page.page.locator("textarea[name=definition]")
    grade = box.locator("xpath=following-sibling::p[1]")
    expect(grade).to_have_text(re.compile(r"^Reading grade -?\d+(\.\d)?\.$"))
    box.fill(
        "An exacerbation characterised by intensification of nociceptive sensations. "
        "Pharmacological intervention is frequently necessitated."
    )
    expect(grade).to_contain_text("try shorter")


def test_an_editor_finds_a_deleted_claim_from_the_home_page_and_restores_it(
    page, editor, factory, axe
):
    option = factory.make_option(ready=True, name="An option")
    harm = option.harms[0]
    text, sources = harm.text, set(harm.sources.all())
    sign_in(page, "editor")
    page.goto(f"/admin/treatments/claim/{harm.pk}/delete/")
    page.page.click("input[type=submit]")
    page.page.wait_for_load_state()
    assert not Claim.objects.filter(pk=harm.pk).exists()

    page.goto("/admin/")
    page.page.get_by_role("link", name="Find and restore deleted items").click()
    page.page.wait_for_url("**/admin/deleted/")
    assert axe(page) == []
    page.page.get_by_role("button", name=re.compile(r"^Restore claim")).click()
    page.page.wait_for_url(f"**/admin/treatments/claim/{harm.pk}/change/")
    assert (
        "is back, as it was when it was deleted" in page.page.locator(".messagelist").inner_text()
    )
    harm = Claim.objects.get(pk=harm.pk)
    assert (harm.text, set(harm.sources.all())) == (text, sources)


def test_the_changes_since_review_and_the_history_with_parts_pass_axe(page, editor, factory, axe):
    option = factory.make_option(ready=True, name="An option")
    claim = option.benefits[0]
    claim.text = "Pain eased for a few people, for a while."
    claim.save()
    sign_in(page, "editor")
    page.goto(f"/admin/treatments/option/{option.pk}/change/")
    page.page.get_by_role("link", name="See what changed since the last review").click()
    page.page.wait_for_load_state()
    expect(page.page.locator("dd ins").first).to_contain_text("a few")
    assert axe(page) == []
    page.goto(f"/admin/treatments/option/{option.pk}/history/")
    expect(page.page.locator("#parts-history")).to_contain_text("Changed: Text")
    assert axe(page) == []


def test_an_idle_editor_is_warned_before_sign_out_and_stays_without_losing_work(
    page, editor, factory
):
    option = factory.make_option(name="An option")
    sign_in(page, "editor")
    page.page.clock.install()
    page.goto(f"/admin/treatments/option/{option.pk}/change/")
    summary = page.page.locator("textarea[name=summary]")
    summary.fill("Words not saved yet.")
    warning = page.page.locator("#idle-warning")
    page.page.clock.fast_forward(f"{settings.STAFF_IDLE_MINUTES - 6}:00")
    expect(warning).to_be_hidden()
    page.page.clock.fast_forward("01:30")
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("role", "alert")
    expect(warning).to_contain_text("You will be signed out in 5 minutes")

    with page.page.expect_response("**/admin/still-here/") as kept:
        page.page.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 200
    expect(warning).to_be_hidden()
    assert page.page.url.endswith(f"/admin/treatments/option/{option.pk}/change/")
    expect(summary).to_have_value("Words not saved yet.")

    # Left alone for the whole idle time, the page says the session has ended.
    page.page.clock.fast_forward(f"{settings.STAFF_IDLE_MINUTES}:01")
    expect(warning).to_contain_text("You have been signed out.")
    expect(warning.get_by_role("button")).to_be_hidden()
