from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("offices/<str:code>/readiness/", views.readiness, name="readiness"),
    path("offices/<str:code>/subitem/<str:number>/history/", views.subitem_history, name="subitem-history"),
    path("national/", views.national_dashboard, name="national"),
    path("national/export/", views.national_export, name="national-export"),
    path("offices/<str:code>/export/", views.office_export, name="office-export"),
    path("manage/", views.manage_home, name="manage-home"),
    path("manage/audit/", views.audit, name="audit"),
]
