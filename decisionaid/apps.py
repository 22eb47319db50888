from django.apps import AppConfig


class DecisionAidConfig(AppConfig):
    name = "decisionaid"
    verbose_name = "Guided flow"
