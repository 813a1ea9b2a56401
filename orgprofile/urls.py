from django.urls import path

from . import views

urlpatterns = [
    path("offices/", views.office_list, name="office-list"),
    path("offices/import/", views.office_import, name="office-import"),
]
