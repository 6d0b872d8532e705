from django.urls import path

from assessments.views import changes
from assessments.views import results as views

urlpatterns = [
    path("assessments/<int:pk>/results/", views.assessment_results, name="assessment_results"),
    path("assessments/<int:pk>/answers.json", views.answers_download, name="answers_export"),
    path("assessments/<int:pk>/changes/", changes.assessment_changes, name="assessment_changes"),
    path("assessments/<int:pk>/gaps.csv", views.gaps_csv_download, name="gaps_csv"),
    path("o/<slug:slug>/answers/import/", views.answers_upload, name="answers_import"),
]
