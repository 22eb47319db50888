"""An editor changes an option, a publisher checks, previews and publishes it, in Chromium."""

import pytest

from tests.browser.steps import sign_in
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
    assert "Changed: Option: Hot baths" in body.inner_text()
    publisher.page.get_by_role("link", name="Hot baths").click()
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
