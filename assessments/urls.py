from django.urls import path

from .views import office, review, years

app_name = "assessments"

urlpatterns = [
    # An office's self-assessment: the office itself edits, reviewers and admins read.
    path("offices/<str:code>/", office.office_home, name="home"),
    path("offices/<str:code>/category/<int:number>/", office.category_page, name="category"),
    path("offices/<str:code>/category/<int:number>/submit/", office.category_submit_view, name="category-submit"),
    path("offices/<str:code>/subitem/<str:number>/", office.subitem_page, name="subitem"),
    path("offices/<str:code>/subitem/<str:number>/submit/", office.subitem_submit_view, name="subitem-submit"),
    path("offices/<str:code>/subitem/<str:number>/review/", review.review_report, name="review"),
    path("offices/<str:code>/assignments/", office.assignments, name="assignments"),
    path("offices/<str:code>/carry-forward/", years.carry_forward, name="carry-forward"),
    # The reviewers' queue across all offices.
    path("review/", review.review_home, name="queue"),
    path("review/certify/", review.review_certify_many, name="certify-many"),
    # Fiscal years (admins): open a year, choose the current one, read the catalogue mapping.
    path("manage/years/", years.years_manage, name="years"),
    path("manage/years/<int:year>/current/", years.year_make_current, name="year-current"),
    path("manage/years/<int:year>/mapping/", years.year_mapping, name="year-mapping"),
]
