from django.urls import path

from . import views

urlpatterns = [
    path("office/category7/", views.office_category7, name="krs-category7"),
    path("offices/<str:code>/category7/", views.office_category7_for, name="krs-office-category7"),
    path("review/krs/", views.national, name="krs-national"),
    path("manage/krs/", views.manage, name="krs-manage"),
    path("manage/krs/sync/", views.sync_start, name="krs-sync"),
    path("manage/krs/import/", views.import_file, name="krs-import"),
    path("manage/krs/runs/<int:run_id>/", views.run_detail, name="krs-run-detail"),
]
