"""What tests recorded with `record_property` (fuzz examples run, page weights), said at the end
of the run. A plugin, named in tests/conftest.py."""

REPORTED = {"fuzz_examples": 0, "page_weight": {}}


def pytest_runtest_logreport(report):
    """Gather what tests recorded with `record_property`, whichever process ran them."""
    if report.when != "teardown":
        return
    for key, value in report.user_properties:
        if key == "fuzz_examples":
            REPORTED["fuzz_examples"] += value
        elif key == "page_weight":
            name, size = value
            REPORTED["page_weight"][name] = size


def pytest_terminal_summary(terminalreporter):
    """Say how many fuzz examples ran, so `make fuzz` and CI show the work done, and which
    patient page weighs the most, so its distance from the budget is in sight."""
    if REPORTED["fuzz_examples"]:
        terminalreporter.write_line(f"fuzz: {REPORTED['fuzz_examples']} examples ran")
    if weights := REPORTED["page_weight"]:
        from tests.test_page_weight import COMPRESSED_BUDGET

        name, size = max(weights.items(), key=lambda item: item[1])
        terminalreporter.write_line(
            f"page weight: heaviest is {name}, {size / 1024:.1f} KB compressed with its CSS and "
            f"JavaScript (budget {COMPRESSED_BUDGET // 1024} KB)"
        )
