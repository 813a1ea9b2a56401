from django.urls import path

from . import views

urlpatterns = [
    path("evidence/report/<int:report_id>/", views.report_page, name="evidence-report"),
    path("evidence/report/<int:report_id>/panel/", views.report_panel, name="evidence-panel"),
    path("evidence/report/<int:report_id>/upload/", views.upload, name="evidence-upload"),
    path("evidence/report/<int:report_id>/link/", views.link_add, name="evidence-link"),
    path("evidence/<int:evidence_id>/supersede/", views.supersede, name="evidence-supersede"),
    path("evidence/<int:evidence_id>/file/", views.download, name="evidence-download"),
]
