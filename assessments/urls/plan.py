from django.urls import path

from assessments.views import plan as views

urlpatterns = [
    path("assessments/<int:pk>/plan/", views.assessment_plan, name="assessment_plan"),
    path("assessments/<int:pk>/plan/new/", views.action_new, name="action_new"),
    path("assessments/<int:pk>/plan/<int:action>/", views.action_edit, name="action_edit"),
    path("assessments/<int:pk>/plan/<int:action>/done/", views.action_done, name="action_done"),
    path("assessments/<int:pk>/plan.csv", views.plan_csv_download, name="plan_csv"),
    path("assessments/<int:pk>/plan.xlsx", views.plan_xlsx_download, name="plan_xlsx"),
]
