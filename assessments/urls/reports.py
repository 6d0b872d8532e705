from django.urls import path

from assessments.views import reports as views

urlpatterns = [
    path("assessments/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("assessments/<int:pk>/report/", views.report_prepare, name="report_prepare"),
    path("assessments/<int:pk>/report/status/", views.report_status, name="report_status"),
    path("assessments/<int:pk>/report/retry/", views.report_try_again, name="report_retry"),
]
