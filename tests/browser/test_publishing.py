"""An editor changes an option, a publisher checks, previews and publishes it, in Chromium."""

import pytest

from tests.browser.steps import sign_in
from tests.html import words
from tests.users import make_staff
from treatments.models import Release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff(editors_group, publishers_group):
    make_staff("editor", editors_group)
    make_staff("publisher", editors_group, publishers_group)


def test_an_edit_reaches_patients_only_when_a_publisher_publishes_it(
    open_page, live_server, staff, factory
):
    option = factory.make_option(ready=True, name="Warm baths")
    factory.publish_version()
    patient = open_page(live_server.url)
    editor = open_page(live_server.url)
    publisher = open_page(live_server.url)
    patient_page = f"/options/{option.slug}/"
    assert "Warm baths" in patient.goto(patient_page).text()

    # The editor renames it and saves: patients still see the published name.
    sign_in(editor, "editor")
    editor.goto(f"/admin/treatments/option/{option.pk}/change/")
    editor.page.fill("#id_name", "Hot baths")
    editor.page.locator("input[name=_continue]").first.click()
    editor.page.wait_for_load_state()
    assert "Hot baths" not in patient.goto(patient_page).text()
    # Editors cannot publish.
    editor.expected_statuses.add(403)
    assert editor.goto("/admin/treatments/release/publish/").status == 403

    # The publisher sees what changed, previews it, is asked for a reason, then publishes.
    sign_in(publisher, "publisher")
    publisher.goto("/admin/treatments/release/")
    publisher.page.get_by_role("link", name="Publish a new version").click()
    body = publisher.page.locator("#content-main")
    assert "Every option marked for publishing meets the rules." in body.inner_text()
    renamed = body.locator(".release-row", has_text="Hot baths")
    # Read from the document, not its layout, which may not have its style sheet yet.
    assert words(renamed.text_content()) == "Changed: Hot baths Name Was: Warm baths Now: Hot baths"
    publisher.page.locator(".release-previews").get_by_role("link", name="Hot baths").click()
    assert "Preview of the draft" in publisher.page.locator("main").inner_text()
    assert "Hot baths" in publisher.page.locator("h1").inner_text()
    publisher.page.go_back()
    publisher.page.click("input[value='Publish this version']")
    assert "Say why this version is published" in publisher.page.locator(".errorlist").inner_text()
    publisher.page.fill("#id_reason", "Renamed after the clinical review.")
    publisher.page.click("input[value='Publish this version']")
    publisher.page.wait_for_url("**/admin/treatments/release/")
    assert "Version 2 is published" in publisher.page.locator(".messagelist").inner_text()
    assert "Hot baths" in patient.goto(patient_page).text()

    # The earlier version, published again in one step.
    publisher.page.get_by_role("link", name="Version 1", exact=True).click()
    publisher.page.fill("#id_reason", "The old name is the one patients know.")
    publisher.page.click("input[value='Publish Version 1 again']")
    publisher.page.wait_for_url("**/admin/treatments/release/")
    assert "Warm baths" in patient.goto(patient_page).text()
    assert Release.objects.current().number == 3


def test_a_publisher_reads_each_changed_field_and_is_warned_first_and_axe_is_clean(
    page, staff, factory, axe
):
    kept = factory.make_option(ready=True, name="Mirror therapy")
    leaving = factory.make_option(ready=True, name="Warm baths")
    claim = factory.make_claim(
        kept, text="Most people in the trial felt a little less pain after six weeks."
    )
    factory.publish_version()
    claim.text = "Some people in the trial felt a little less pain after six weeks."
    claim.save()
    leaving.mark_draft()

    sign_in(page, "publisher")
    page.goto("/admin/treatments/release/publish/")
    warning = page.page.locator(".release-warnings")
    assert "Patients will no longer see the option “Warm baths”" in warning.inner_text()
    row = page.page.locator(".release-row", has_text="Mirror therapy – Benefit")
    assert row.locator("dt").inner_text() == "Text"
    assert row.locator("del").text_content() == "[taken out: Most]"
    assert row.locator("ins").text_content() == "[added: Some]"
    assert axe(page) == []

    # The same view for two published versions, picked from the list.
    page.page.fill("#id_reason", "Kinder words; warm baths back to draft.")
    page.page.click("input[value='Publish this version']")
    page.page.wait_for_url("**/admin/treatments/release/")
    page.page.select_option("#compare_before", label="Version 1")
    page.page.select_option("#compare_after", label="Version 2")
    page.page.get_by_role("button", name="Compare").click()
    page.page.wait_for_url("**/release/compare/?before=1&after=2")
    changed = page.page.locator(".release-row", has_text="Mirror therapy – Benefit")
    assert "[added: Some]" in changed.text_content()
    assert axe(page) == []


def test_an_editor_submits_work_for_review_and_the_publisher_sees_it_waiting(
    open_page, live_server, staff, factory, axe
):
    factory.make_option(ready=True, name="Mirror therapy")
    editor = open_page(live_server.url)
    sign_in(editor, "editor")
    editor.goto("/admin/treatments/submission/add/")
    editor.page.fill("#id_comment", "New harms from the 2026 review; please check the numbers.")
    editor.page.click("input[name=_save]")
    editor.page.wait_for_url("**/admin/treatments/submission/")
    assert axe(editor) == []

    publisher = open_page(live_server.url)
    sign_in(publisher, "publisher")
    publisher.goto("/admin/treatments/release/publish/")
    waiting = publisher.page.locator(".release-waiting li")
    assert waiting.inner_text().startswith("Shared content, from editor on ")
    assert waiting.inner_text().endswith("please check the numbers.")
