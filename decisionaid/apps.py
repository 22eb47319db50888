from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DecisionAidConfig(AppConfig):
    default = True
    name = "decisionaid"
    verbose_name = "Guided flow"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from decisionaid import checks  # noqa: F401  (registers the system checks)
        from decisionaid.logging import attach_everywhere
        from decisionaid.security import mark_sign_in

        attach_everywhere()
        user_logged_in.connect(mark_sign_in, dispatch_uid="decisionaid.mark_sign_in")


class StaffAdminConfig(admin_apps.AdminConfig):
    """The admin, with a sign-in that asks for a second factor when STAFF_REQUIRE_2FA is on."""

    default = False  # named in INSTALLED_APPS instead of django.contrib.admin
    default_site = "decisionaid.security.StaffAdminSite"
