from django.urls import path

from assessments.views import assessments as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
