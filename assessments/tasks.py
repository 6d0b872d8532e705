"""Background tasks, run by the worker (manage.py run_worker) or at once in tests."""

from django_tasks import task

from assessments.services.reports import report_render


@task()
def render_report_task(report_id: int) -> None:
    """Render the queued report `report_id` (see services.reports.report_render)."""
    report_render(report_id=report_id)
