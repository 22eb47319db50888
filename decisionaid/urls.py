from django.conf import settings
from django.contrib import admin
from django.urls import path

from decisionaid import feedback, flow, knowledge, options, pages, record, resume, summary, views

ADMIN = settings.ADMIN_PATH.strip("/") + "/"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("start/", flow.start, name="start"),
    path("questions/<slug:slug>/", flow.step, name="step"),
    path("questions/knowledge/answers/", knowledge.answers_explained, name="knowledge_answers"),
    path("check/", flow.check, name="check"),
    path("clear/", flow.clear, name="clear"),
    path("resume/", resume.resume, name="resume"),
    path("resume/<str:token>/", resume.resume_in_path, name="resume_in_path"),
    path("remember/", resume.remember, name="remember"),
    path("options/", options.compare, name="options"),
    path("options/<slug:slug>/", options.option, name="option"),
    path("options/<slug:slug>/preview/", options.option_preview, name="option_preview"),
    path("summary/", summary.summary, name="summary"),
    path("summary/fhir/", record.fhir_response, name="fhir_response"),
    path("fhir/Questionnaire/", record.fhir_questionnaire, name="fhir_questionnaire"),
    path(
        "fhir/Questionnaire/<int:number>/",
        record.fhir_questionnaire,
        name="fhir_questionnaire_version",
    ),
    path("info/<slug:slug>/", pages.page, name="page"),
    path("sources/", pages.sources, name="sources"),
    path("report/", feedback.report, name="report"),
    path("glossary/", pages.glossary, name="glossary"),
    path("standards/", pages.standards, name="standards"),
    path(ADMIN, admin.site.urls),
]

handler500 = views.server_error
