from django.shortcuts import render

from orgprofile.decorators import role_required
from orgprofile.models import Office
from orgprofile.roles import CENTRAL_ROLES, OFFICE_ROLES
from orgprofile.selectors import office_of


@role_required(*OFFICE_ROLES)
def office_home(request):
    return render(request, "assessments/office_home.html", {"office": office_of(request.user)})


@role_required(*CENTRAL_ROLES)
def review_home(request):
    offices = Office.objects.filter(is_active=True).order_by("kind", "name")
    return render(request, "assessments/review_home.html", {"offices": offices})
