"""The aid's name, home page and summary title come from its content (the Aid row), and its
content files from a setting: nothing in the code or templates names the condition."""

from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisionaid.answers import Answers
from decisionaid.views import server_error
from tests.answers_cookie import give_answers
from tests.html import parse, texts_of
from tests.processes import load_settings
from treatments import releases
from treatments.content import bundled_fixtures
from treatments.models import Aid, Option, Release, Value
from treatments.writing import site_texts

REPO = Path(__file__).resolve().parent.parent
# The code and templates. The content files and the migrations may name the condition.
CODE = ["decisionaid", "templates", "treatments", "static", "Makefile"]
CONTENT = [REPO / "treatments" / "fixtures", REPO / "treatments" / "migrations"]
BUNDLED_CONDITION = "crps"


def code_files() -> list[Path]:
    files = []
    for entry in map(REPO.joinpath, CODE):
        for path in [entry] if entry.is_file() else sorted(entry.rglob("*")):
            content = any(folder in path.parents for folder in CONTENT)
            if path.is_file() and not content and "__pycache__" not in path.parts:
                files.append(path)
    return files


def test_no_code_or_template_names_the_bundled_condition():
    found = []
    for path in code_files():
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:  # an image
            continue
        for number, line in enumerate(lines, 1):
            if BUNDLED_CONDITION in line.lower():
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == [], "The condition belongs in the content:\n" + "\n".join(found)


def test_the_search_for_the_condition_reads_the_code_and_leaves_the_content_alone():
    searched = {path.relative_to(REPO).as_posix() for path in code_files()}
    expected = ["templates/base.html", "templates/home.html", "decisionaid/flow.py"]
    expected += ["treatments/models/options.py", "treatments/admin/options.py", "static/js/aid.js"]
    expected += ["Makefile"]
    assert set(expected) <= searched
    assert not [path for path in searched if path.startswith("treatments/fixtures/")]
    assert not [path for path in searched if path.startswith("treatments/migrations/")]


def page_title(html: str) -> str:
    return texts_of(parse(html), "//title")[0]


@pytest.mark.django_db
def test_the_bundled_aid_keeps_its_name_home_page_and_summary_title(client, content):
    home = client.get(reverse("home")).content.decode()
    assert page_title(home) == "Home – CRPS treatment decision aid"
    assert texts_of(parse(home), "//a[@class='site-name']") == ["CRPS treatment decision aid"]
    assert texts_of(parse(home), "//h1") == ["Thinking about treatment for CRPS?"]
    assert texts_of(parse(home), "//p[@class='lead']") == [
        "This aid helps you get ready to talk with your clinician about treatment for Complex "
        "Regional Pain Syndrome (CRPS)."
    ]
    points = [
        "asks a few short questions about you and your CRPS",
        "shows each treatment side by side, with its benefits, harms, costs and how sure anyone "
        "can be",
        "says where every fact comes from, and who published it",
        "ends with a one-page summary you can print and take to your appointment",
    ]
    items = texts_of(parse(home), "//li")
    start = items.index(points[0])
    assert items[start : start + 4] == points

    about = client.get(reverse("step", args=["about"]), HTTP_HX_REQUEST="true").content.decode()
    assert texts_of(parse(about), "//title") == ["Your CRPS – CRPS treatment decision aid"]
    assert texts_of(parse(about), "//h1") == ["Your CRPS"]

    give_answers(client, Answers(values=[Value.objects.first().slug]))
    summary = client.get(reverse("summary")).content.decode()
    assert texts_of(parse(summary), "//h1") == ["My CRPS treatment summary"]


@pytest.mark.django_db
def test_a_new_name_reaches_patients_only_when_it_is_published(client, factory):
    aid = factory.make_aid(name="First name for the aid")
    factory.publish_version()
    assert page_title(client.get(reverse("glossary")).content.decode()).endswith(
        " – First name for the aid"
    )
    aid.name = "Second name for the aid"
    aid.save()
    assert "Second name" not in client.get(reverse("glossary")).content.decode()
    factory.publish_version()
    html = client.get(reverse("glossary")).content.decode()
    assert texts_of(parse(html), "//a[@class='site-name']") == ["Second name for the aid"]


@pytest.mark.django_db
@override_settings(AID_NAME="Unnamed test aid")
def test_before_an_aid_is_published_pages_use_the_aid_name_setting_and_neutral_words(client):
    home = client.get(reverse("home")).content.decode()
    assert page_title(home) == "Home – Unnamed test aid"
    assert texts_of(parse(home), "//h1") == ["Unnamed test aid"]
    assert "What this aid does" not in home


@pytest.mark.django_db
def test_a_request_refused_before_it_is_read_still_names_the_aid(client, factory):
    factory.make_aid(name="Refusing test aid")
    factory.publish_version()
    url = reverse("step", args=["about"])
    response = client.post(url, b"--x--", content_type="multipart/form-data; boundary=x")
    assert response.status_code == 415
    assert page_title(response.content.decode()) == "That could not be sent – Refusing test aid"


@pytest.mark.django_db
def test_the_error_page_names_the_aid_this_process_has_read(factory):
    factory.make_aid(name="Erring test aid")
    factory.publish_version()
    releases.current_content()  # as any page before the error would
    browser = Client(raise_request_exception=False)
    with mock.patch("decisionaid.views.Answers.from_request", side_effect=RuntimeError("broken")):
        response = browser.get(reverse("home"))
    assert response.status_code == 500
    assert page_title(response.content.decode()) == "Sorry, there is a problem – Erring test aid"


@override_settings(AID_NAME="Fallback test aid")
def test_the_error_page_asks_the_database_nothing(monkeypatch):
    # No database here: a query would fail the test. With no content read yet, the setting.
    monkeypatch.setattr(releases, "_current", {})
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem – Fallback test aid" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_and_authenticator_apps_name_the_aid_as_editors_last_saved_it(
    admin_client, admin_user, factory
):
    factory.make_aid(short_name="Knee: pain aid")
    html = admin_client.get("/admin/").content.decode()
    assert texts_of(parse(html), "//div[@id='site-name']") == ["Knee: pain aid: content"]
    assert page_title(html).endswith("| Knee: pain aid content")
    device = TOTPDevice(user=admin_user, name="phone")
    assert "issuer=Knee%20pain%20aid" in device.config_url  # (no colon: it separates the label)


@pytest.mark.django_db
def test_editors_write_the_aid_once_then_change_it_and_never_delete_it(editor, editor_client):
    fields = {
        "name": "Knee pain decision aid",
        "short_name": "Knee pain aid",
        "home_heading": "Thinking about treatment for knee pain?",
        "home_lead": "This aid helps you get ready to talk with your clinician.",
        "home_does": "asks a few questions\r\nshows the options",
        "summary_title": "My knee pain treatment summary",
    }
    assert editor_client.post("/admin/treatments/aid/add/", fields).status_code == 302
    aid = Aid.objects.get()
    assert aid.does == ["asks a few questions", "shows the options"]
    assert editor_client.get("/admin/treatments/aid/add/").status_code == 403  # there is one aid

    changed = {**fields, "name": "Knee and hip pain decision aid"}
    assert editor_client.post(f"/admin/treatments/aid/{aid.pk}/change/", changed).status_code == 302
    assert [record.name for record in aid.history.order_by("history_date")] == [
        "Knee pain decision aid",
        "Knee and hip pain decision aid",
    ]
    assert aid.history.first().history_user == editor
    assert editor_client.get(f"/admin/treatments/aid/{aid.pk}/delete/").status_code == 403
    assert "treatments.delete_aid" not in editor.get_all_permissions()


@pytest.mark.django_db
def test_the_home_page_words_are_checked_for_reading_level_with_the_rest(factory):
    factory.make_aid(home_lead="A lead to read.", home_does="one point\nanother point")
    texts = dict(site_texts())
    assert texts["Home page: introduction"] == "A lead to read."


def test_the_content_files_are_found_by_the_setting_folders_in_name_order(tmp_path):
    folder = tmp_path / "knee"
    folder.mkdir()
    for name in ("20_options.yaml", "10_core.json", "notes.txt"):
        (folder / name).write_text("[]")
    extra = tmp_path / "more.yaml"
    extra.write_text("[]")
    with override_settings(CONTENT_FIXTURES=[folder, extra]):
        assert bundled_fixtures() == [
            str(folder / "10_core.json"),
            str(folder / "20_options.yaml"),
            str(extra),
        ]


def test_by_default_the_bundled_files_load_with_the_aid_first():
    files = [Path(name) for name in bundled_fixtures()]
    assert len(files) >= 2
    assert [path.name for path in files] == sorted(path.name for path in files)
    assert "model: treatments.aid" in files[0].read_text()


@pytest.mark.django_db
def test_a_missing_content_file_is_named_and_nothing_is_loaded(tmp_path):
    missing = r"No content file or folder at .*nowhere\.yaml"
    with (
        override_settings(CONTENT_FIXTURES=[tmp_path / "nowhere.yaml"]),
        pytest.raises(CommandError, match=missing),
    ):
        call_command("load_content", verbosity=0)
    assert not Option.objects.exists()
    assert not Release.objects.exists()


def test_the_content_files_and_fallback_name_can_be_set_from_the_environment():
    ok, output = load_settings(
        show="[str(p) for p in s.CONTENT_FIXTURES], s.AID_NAME",
        DJANGO_DEBUG="1",
        DJANGO_CONTENT_FIXTURES="/srv/knee, extra/more.yaml",
        DJANGO_AID_NAME="Knee pain decision aid",
    )
    assert ok, output
    more = str(REPO / "extra" / "more.yaml")
    assert output.strip() == f"['/srv/knee', '{more}'] Knee pain decision aid"
