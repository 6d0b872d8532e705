from django.urls import path

from assessments.views import assessments as views
from assessments.views import questionnaire, signoff

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("o/<slug:slug>/", views.organisation_dashboard, name="organisation_dashboard"),
    path("o/<slug:slug>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path(
        "assessments/<int:pk>/sections/<slug:framework>/<slug:section>/",
        questionnaire.section_detail,
        name="section_detail",
    ),
    path(
        "assessments/<int:pk>/answers/<slug:framework>/<slug:key>/",
        questionnaire.answer_update,
        name="answer_update",
    ),
    path("assessments/<int:pk>/review/", views.assessment_review, name="assessment_review"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="assessment_submit"),
    path(
        "assessments/<int:pk>/next-round/",
        views.assessment_next_round,
        name="assessment_next_round",
    ),
    path("assessments/<int:pk>/history/", views.assessment_history, name="assessment_history"),
    path("assessments/<int:pk>/approve/", signoff.assessment_approve, name="assessment_approve"),
    path("assessments/<int:pk>/return/", signoff.assessment_return, name="assessment_return"),
    path("o/<slug:slug>/approval/", signoff.organisation_approval, name="organisation_approval"),
]
