from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("offices/<str:code>/readiness/", views.readiness, name="readiness"),
    path("offices/<str:code>/subitem/<str:number>/history/", views.subitem_history, name="subitem-history"),
    path("national/", views.national_dashboard, name="national"),
    path("national/export/", views.national_export, name="national-export"),
    path("offices/<str:code>/export/", views.office_export, name="office-export"),
    path("offices/<str:code>/book/", views.book_page, name="book"),
    path("offices/<str:code>/book/generate/", views.book_generate, name="book-generate"),
    path("offices/<str:code>/book/submit/", views.book_submit_view, name="book-submit"),
    path("offices/<str:code>/book/latest/status/", views.book_latest_status, name="book-latest-status"),
    path("offices/<str:code>/book/<int:book_id>/status/", views.book_status, name="book-status"),
    path("offices/<str:code>/book/<int:book_id>/download/", views.book_download, name="book-download"),
    path("offices/<str:code>/subitem/<str:number>/answer-form/", views.answer_form, name="answer-form"),
    path("manage/", views.manage_home, name="manage-home"),
    path("manage/audit/", views.audit, name="audit"),
]
