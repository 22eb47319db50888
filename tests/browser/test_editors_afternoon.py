"""The editors' afternoon of issue #28, repeated in Chromium: two editors and a publisher, each in
a browser of their own, signing in with a password and a code behind a TLS proxy, through every
step that went wrong the first time, each step checked as the person would see it.

One test, on one live server, with each person signed in once: the steps build on each other
(what the publisher reviews is what the editors did), as they did that afternoon.
"""

import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.utils.formats import date_format
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import BrowserPage
from tests.test_staff_security import code_for
from tests.users import PASSWORD, make_staff
from treatments.models import REVIEW_INTERVAL, Claim, Option, Release, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1280, "height": 900}
# What the TLS proxy adds to X-Forwarded-For: the address each person connects from.
ADA, BEN, PAT, STRANGER = "7.7.7.7", "5.5.5.5", "4.4.4.4", "6.6.6.6"
REVIEWED = datetime.date(2026, 6, 1)
ONLY_HARM = "The warm water made the skin red for a day in a few people."
SECOND_HARM = "A few people felt a little sad while they did it."
SHARED = "A trial of warm water and mirrors for limb pain"
COMMENT = "Took out the only harm of Warm baths: please check before it goes out."
# axe-core adds a <style> of its own while it checks the source pickers, which the page's
# Content-Security-Policy rightly refuses: the tool's noise, not the page's.
AXE_NOISE = "Applying inline style violates"


class Person(BrowserPage):
    """One person's browser: every answer of 500 or more on any of its pages is kept."""

    def __init__(self, browser, base_url: str, address: str):
        self.context = browser.new_context(
            viewport=SCREEN,
            # As the proxy passes it on: anything to the left of the last address the visitor
            # may have sent themselves.
            extra_http_headers={"X-Forwarded-For": address},
        )
        super().__init__(self.context.new_page(), base_url)
        self.failures: list[str] = []
        self.context.on(
            "response",
            lambda r: (
                self.failures.append(f"{r.status} {r.request.method} {r.url}")
                if r.status >= 500
                else None
            ),
        )

    def sign_in(self, username: str, password: str = PASSWORD, code: str = "") -> None:
        self.goto("/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.fill("#id_otp_token", code)
        self.page.click("input[type=submit]")
        self.page.wait_for_load_state()

    def save(self, button: str = "input[name=_continue]") -> None:
        self.page.locator(button).first.click()
        self.page.wait_for_load_state()

    def messages(self) -> str:
        return self.page.locator(".messagelist").inner_text()

    def axe(self, axe) -> list[str]:
        before = list(self.console_errors)
        found = axe(self)
        self.console_errors[:] = before + [
            error for error in self.console_errors[len(before) :] if AXE_NOISE not in error
        ]
        return found


@pytest.fixture
def people(browser, live_server, editors_group, publishers_group, settings):
    """Ada and Ben (editors) and Pat (publisher), each enrolled with an authenticator app, and
    the server as it runs behind the proxy with the second factor required."""
    settings.STAFF_REQUIRE_2FA = True
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    staff = {
        "ada": make_staff("ada", editors_group, first_name="Ada", last_name="Editor"),
        "ben": make_staff("ben", editors_group, first_name="Ben", last_name="Editor"),
        "pat": make_staff(
            "pat", editors_group, publishers_group, first_name="Pat", last_name="Publisher"
        ),
    }
    devices = {
        name: TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        for name, user in staff.items()
    }
    opened: list[Person] = []

    def open_as(address: str) -> Person:
        person = Person(browser, live_server.url, address)
        opened.append(person)
        return person

    yield open_as, devices
    for person in opened:
        person.context.close()
    assert [f for person in opened for f in person.failures] == [], "a page answered 500"
    for person in opened:
        assert person.console_errors == [], "the browser console showed errors"
        assert person.outside_requests == [], "the page asked another origin for something"


@pytest.fixture
def afternoon(factory):
    """Two published options sharing a source, as the afternoon began."""
    shared = factory.make_source(title=SHARED, authors="Lee K, et al.", year=2021)
    mirror = factory.make_option(name="Mirror therapy", slug="mirror-therapy")
    baths = factory.make_option(name="Warm baths", slug="warm-baths")
    for option in (mirror, baths):
        factory.make_claim(
            option,
            kind=Claim.Kind.BENEFIT,
            is_main=True,
            sources=[shared],
            text=f"{option.name} eased pain a little for some people.",
        )
    factory.make_claim(mirror, kind=Claim.Kind.HARM, is_main=True, text="Some felt tired.")
    factory.make_claim(mirror, kind=Claim.Kind.HARM, text=SECOND_HARM)
    factory.make_claim(baths, kind=Claim.Kind.HARM, is_main=True, text=ONLY_HARM)
    for option in (mirror, baths):
        option.mark_reviewed(by="Test editor", on=REVIEWED)
        option.mark_ready()
    factory.publish_version("The first version.")
    return mirror, baths, shared


def test_two_editors_and_a_publisher_repeat_the_afternoon(people, afternoon, axe):
    open_as, devices = people
    mirror, baths, shared = afternoon
    patient = open_as("3.3.3.3")
    patient.expected_statuses.add(404)
    assert patient.goto("/options/warm-baths/").status == 200

    # Behind the proxy, someone fails to sign in as made-up people until their address is
    # locked out, sending Ada's address as if it were theirs.
    stranger = open_as(f"{ADA}, {STRANGER}")
    stranger.expected_statuses.add(429)
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        stranger.sign_in(f"made-up-{n}", "a-guess", "123456")
    expect(stranger.page.locator("h1")).to_have_text("Sign-in paused")
    # Everyone else still signs in, Ada too: each once, with a password and a code.
    ada, ben, pat = open_as(ADA), open_as(BEN), open_as(PAT)
    for person, name in ((ada, "ada"), (ben, "ben"), (pat, "pat")):
        person.sign_in(name, code=code_for(devices[name].bin_key))
        assert person.page.url.endswith("/admin/"), name

    # 1. Ada adds a source, pasting its PubMed ID and DOI as PubMed and doi.org show them.
    ada.goto("/admin/treatments/source/add/")
    ada.page.fill("#id_title", "A trial of warm baths at home")
    ada.page.fill("#id_authors", "Moss R, et al.")
    ada.page.fill("#id_publisher", "A journal")
    ada.page.fill("#id_year", "2025")
    ada.page.select_option("#id_kind", label="Randomised trial")
    for box, pasted in (
        ("#id_pmid", "PMID: 40000001"),
        ("#id_doi", "https://doi.org/10.1000/warm.2025.17"),
    ):
        ada.page.focus(box)
        # All at once, as a paste arrives: the browser would cut it at a `maxlength`, as it
        # cut "PMID: 40000001" to "PMID: 400000" that afternoon.
        ada.page.keyboard.insert_text(pasted)
    ada.save()
    expect(ada.page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(ada.page.locator("#id_pmid")).to_have_value("40000001")
    expect(ada.page.locator("#id_doi")).to_have_value("10.1000/warm.2025.17")
    added = Source.objects.get(title="A trial of warm baths at home")
    assert (added.pmid, added.doi) == ("40000001", "10.1000/warm.2025.17")

    # 2. Ada moves Mirror therapy's next review to before its last review, and changes the
    # summary too: told what to do, and the summary is still hers.
    ada.goto(f"/admin/treatments/option/{mirror.pk}/change/")
    summary = "Looking at a mirror while moving the other limb. Short daily sessions."
    ada.page.fill("textarea[name=summary]", summary)
    too_early = REVIEWED - datetime.timedelta(days=1)
    ada.page.fill("#id_next_review_due", too_early.strftime("%d/%m/%Y"))
    ada.save()
    expect(ada.page.locator(".field-next_review_due .errorlist")).to_have_text(
        "Choose a date after the last review (1 June 2026)."
    )
    expect(ada.page.locator("textarea[name=summary]")).to_have_value(summary)
    assert ada.axe(axe) == []
    due = REVIEWED + datetime.timedelta(days=180)
    ada.page.fill("#id_next_review_due", due.strftime("%d/%m/%Y"))
    ada.save()
    expect(ada.page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(ada.page.locator("textarea[name=summary]")).to_have_value(summary)

    # 3. Ben deletes one of Mirror therapy's two harms (saved, as one is left), then Warm
    # baths' only harm: warned that patients would lose the option.
    ben.goto(f"/admin/treatments/option/{mirror.pk}/change/")
    ben.page.locator("#claims-group tr.form-row", has_text=SECOND_HARM).locator(
        "input[name$='-DELETE']"
    ).check()
    ben.save()
    expect(ben.page.locator(".messagelist")).to_have_text(
        re.compile(r"^\s*The option “Mirror therapy” was changed successfully")
    )
    ben.goto(f"/admin/treatments/option/{baths.pk}/change/")
    harm_row = ben.page.locator("#claims-group tr.form-row", has_text=ONLY_HARM)
    harm_row.locator("input[name$='-DELETE']").check()
    ben.save()
    warning = ben.page.locator(".messagelist .warning")
    expect(warning).to_contain_text(
        "Nothing was saved. This would leave “Warm baths” with no harm, so it would go back to "
        "draft and leave the next version: patients would no longer see it once a publisher "
        "publishes."
    )
    expect(warning).not_to_contain_text("without a source")
    assert ben.axe(axe) == []
    warning.get_by_role("button", name="Save anyway, as a draft").click()
    ben.page.wait_for_load_state()
    expect(ben.page.locator(".messagelist")).to_contain_text(
        "“Warm baths” went back to draft, so it will not be in the next version."
    )
    expect(ben.page.locator("#claims-group")).not_to_contain_text(ONLY_HARM)
    # Ben submits the work for review, with a comment.
    ben.goto("/admin/")
    ben.page.locator("tr.model-submission a.addlink").click()
    ben.page.select_option("#id_option", label="Warm baths")
    ben.page.fill("#id_comment", COMMENT)
    ben.save("input[name=_save]")
    expect(ben.page.locator("#result_list")).to_contain_text("Waiting for a publisher")

    # 4. Pat sees what waits, and reads what the draft changes, warned first of what patients
    # lose.
    pat.goto("/admin/treatments/release/")
    pat.page.get_by_role("link", name="Publish a new version").click()
    pat.page.wait_for_load_state()
    main = pat.page.locator("#content-main")
    warnings = main.locator("> *").first
    expect(warnings).to_have_class(re.compile(r"\brelease-warnings\b"))
    assert warnings.bounding_box()["y"] < SCREEN["height"]  # on the first screen
    expect(warnings.locator("li")).to_have_text(
        [
            "Patients will no longer see the option “Warm baths”: it was deleted or returned "
            "to draft.",
            f"Patients lose this from “Mirror therapy”: Harm or side effect: {SECOND_HARM}",
        ]
    )
    expect(main.locator(".release-waiting li")).to_have_text(
        re.compile(rf"^Warm baths, from Ben Editor on .*: {re.escape(COMMENT)}$")
    )
    changed = main.locator(".release-row--changed", has_text="Mirror therapy")
    expect(changed.locator("dt")).to_have_text(["What it is", "Next review due"])
    expect(changed.get_by_role("link")).to_have_attribute(
        "href", f"/admin/treatments/option/{mirror.pk}/change/"
    )
    # The summary word by word, read from the document as a screen reader reads it.
    summary_diff = changed.locator("dd").first
    expect(summary_diff.locator("del")).to_have_text("[taken out: A treatment you can try.]")
    expect(summary_diff.locator("ins")).to_have_text(f"[added: {summary}]")
    expect(changed.locator("dd").last).to_have_text(
        f"Was: {date_format(REVIEWED + REVIEW_INTERVAL, 'j F Y')} Now: {date_format(due, 'j F Y')}"
    )
    removed = main.locator(".release-row--removed", has_text=ONLY_HARM)
    expect(removed).to_contain_text("Warm baths")
    new_source = main.locator(".release-row--added", has_text="A trial of warm baths at home")
    expect(new_source).to_contain_text("PubMed ID 40000001")
    expect(new_source).to_contain_text("DOI 10.1000/warm.2025.17")
    assert pat.axe(axe) == []
    pat.page.fill("#id_reason", "Ada's review dates and Ben's removal, checked.")
    pat.page.click("input[value='Publish this version']")
    pat.page.wait_for_url("**/admin/treatments/release/")
    expect(pat.page.locator(".messagelist")).to_contain_text("Version 2 is published")
    assert patient.goto("/options/warm-baths/").status == 404

    # 5. Pat publishes the first version again and puts the draft back to it: the harm is in
    # the draft again, and the next version would send nothing undone out again.
    pat.page.get_by_role("link", name="Version 1", exact=True).click()
    pat.page.wait_for_url("**/admin/treatments/release/*/change/")
    assert pat.axe(axe) == []
    pat.page.fill("#id_reason", "The harm was right after all.")
    pat.page.check("#id_reset_draft")
    pat.page.click("input[value='Publish Version 1 again']")
    pat.page.wait_for_url("**/admin/treatments/release/")
    expect(pat.page.locator(".messagelist")).to_contain_text(
        "Version 1 is published again as Version 3"
    )
    expect(pat.page.locator(".messagelist")).to_contain_text("The draft is back to Version 1.")
    assert Release.objects.current().number == 3
    assert patient.goto("/options/warm-baths/").status == 200
    ben.goto(f"/admin/treatments/option/{baths.pk}/change/")
    expect(ben.page.locator("#claims-group textarea", has_text=ONLY_HARM)).to_have_count(1)
    expect(ben.page.locator(".field-publication")).to_contain_text("Ready:")
    ben.goto(f"/admin/treatments/option/{mirror.pk}/change/")
    expect(ben.page.locator("#claims-group textarea", has_text=SECOND_HARM)).to_have_count(1)
    pat.goto("/admin/treatments/release/publish/")
    expect(pat.page.locator("#content-main")).to_contain_text("No changes.")
    assert Option.objects.get(pk=baths.pk).is_ready

    # 6. Ada deletes the source both benefits cite, then restores it: both cite it again.
    ada.goto(f"/admin/treatments/source/{shared.pk}/change/")
    ada.page.locator("a.deletelink").first.click()  # Save and Delete sit above the form too
    ada.page.locator("input[type=submit]").click()
    ada.page.wait_for_url("**/admin/treatments/source/")
    cited = "#claims-group select[name$='-sources'] option:checked"
    ada.goto(f"/admin/treatments/option/{mirror.pk}/change/")
    expect(ada.page.locator(cited, has_text=SHARED)).to_have_count(0)
    ada.goto("/admin/")
    ada.page.get_by_role("link", name="Find and restore deleted items").click()
    ada.page.get_by_role("button", name=re.compile(rf"^Restore source “Lee.*{SHARED}")).click()
    ada.page.wait_for_url(f"**/admin/treatments/source/{shared.pk}/change/")
    expect(ada.page.locator(".messagelist")).to_contain_text(
        "The 2 items that cited it when it was deleted cite it again."
    )
    for option in (mirror, baths):
        ada.goto(f"/admin/treatments/option/{option.pk}/change/")
        expect(ada.page.locator(cited, has_text=SHARED)).to_have_count(1)
