"""Moving through the aid in a browser (its steps, and signing in to the admin), shared by the
browser tests."""

from decisionaid.answers import Answers
from decisionaid.journey import journey_for
from tests.bundled import step_slugs
from tests.personas import leg_for_years
from tests.users import PASSWORD
from treatments.releases import current_content

STEP_PATHS = [f"/questions/{slug}/" for slug in step_slugs()]

GROUPS = """() => [...document.querySelectorAll("#step form .form-group")].flatMap(group => {
  const inputs = [...group.querySelectorAll("input[type=radio], input[type=checkbox]")];
  if (!inputs.length) return [];
  const next = group.nextElementSibling;
  return [{
    name: inputs[0].name, type: inputs[0].type, values: inputs.map(i => i.value),
    optional: !!(next && next.classList.contains("optional-note")),
  }];
})"""


def continue_to(page, path_end: str, *, name: str) -> None:
    url = page.url
    page.get_by_role("link", name=name).click()
    page.wait_for_url(lambda new: new != url)
    assert page.url.endswith(path_end)


def fill_step(page, choose, own: str) -> None:
    # Choices folded under a heading (the suggested questions beyond the first few) open first.
    for more in page.locator("#step details.more-choices:not([open]) > summary").all():
        more.click()
    for group in page.evaluate(GROUPS):
        for value in choose(group):
            page.locator(f'#step input[name="{group["name"]}"][value="{value}"]').check()
    if own and page.locator("#step textarea").count():
        page.locator("#step textarea").fill(own[:500])
    url = page.url
    page.locator("#step form button[type=submit]").click()
    page.wait_for_url(lambda new: new != url)
    assert page.locator(".error-summary").count() == 0, page.url


def through_the_knowledge_check(page, choose) -> None:
    """Answer the knowledge check as `choose` picks and go on from the page explaining the
    answers, or skip the check when `choose` picks nothing there."""
    if not any(choose(group) for group in page.evaluate(GROUPS)):
        continue_to(page, "/questions/questions/", name="Skip these questions")
        return
    fill_step(page, choose, "")
    assert page.url.endswith("/questions/knowledge/answers/")
    continue_to(page, "/questions/questions/", name="Continue")


def rejects_an_empty_form(slug: str) -> bool:
    """Whether sending this step with nothing chosen is a mistake (it is not for the optional
    steps, and a person cannot type more than a field allows)."""
    content = current_content()
    return not journey_for(content).form(slug).build({}, Answers(), content).is_valid()


def sign_in(page, username: str) -> None:
    """Sign in to the admin as this member of staff (made with tests.users.make_staff)."""
    page.goto("/admin/login/")
    page.page.fill("#id_username", username)
    page.page.fill("#id_password", PASSWORD)
    page.page.click("input[type=submit]")
    page.page.wait_for_url("**/admin/")


def the_journey(wrapped):
    """Each step, each step's error state, then the check page, options and summary with answers."""
    page = wrapped.page
    for path in STEP_PATHS:
        wrapped.goto(path)
        yield path
        slug = path.strip("/").rsplit("/", 1)[-1]
        if rejects_an_empty_form(slug):
            page.locator("#step form button[type=submit]").click()
            page.locator(".error-summary").wait_for()
            yield f"{path} with errors"
        fill_step(page, leg_for_years, "Will I be able to drive after it?")
        if page.url.endswith("/questions/knowledge/answers/"):
            yield "the knowledge check's answers explained"
    for path in ("/check/", "/options/", "/summary/"):
        wrapped.goto(path)
        yield f"{path} with answers"
