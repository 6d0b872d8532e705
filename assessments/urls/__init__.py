"""URLs of the domain app, one module per area, combined here."""

from . import accounts, assessments, plan, reports, results

urlpatterns = [
    *accounts.urlpatterns,
    *assessments.urlpatterns,
    *results.urlpatterns,
    *plan.urlpatterns,
    *reports.urlpatterns,
]
