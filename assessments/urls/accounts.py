from django.urls import path

from assessments.views import accounts as views

urlpatterns = [
    path("organisations/switch/", views.organisation_switch, name="organisation_switch"),
    path("o/<slug:slug>/members/", views.member_list, name="member_list"),
    path("o/<slug:slug>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("o/<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
