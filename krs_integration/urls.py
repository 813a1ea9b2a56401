from django.urls import path

from . import views

app_name = "krs"

urlpatterns = [
    path("offices/<str:code>/category7/", views.office_category7, name="category7"),
    path("review/krs/", views.national, name="national"),
    path("manage/krs/", views.manage, name="manage"),
    path("manage/krs/sync/", views.sync_start, name="sync"),
    path("manage/krs/import/", views.import_file, name="import"),
    path("manage/krs/runs/<int:run_id>/", views.run_detail, name="run"),
]
