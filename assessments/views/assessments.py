"""Dashboard, new assessment, questionnaire, review, submission, rounds and history."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/dashboard.html")
