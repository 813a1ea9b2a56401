from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .decorators import role_required
from .forms import OfficeImportForm
from .models import Office
from .roles import CENTRAL_ROLES
from .services import offices_import_csv


@require_safe
@role_required(*CENTRAL_ROLES)
def office_list(request):
    offices = Office.objects.filter(is_active=True).order_by("kind", "province", "name")
    kind = request.GET.get("kind")
    if kind in Office.Kind.values:
        offices = offices.filter(kind=kind)
    return render(request, "orgprofile/office_list.html", {"offices": offices, "kind": kind, "kinds": Office.Kind.choices})


@login_required
@permission_required("orgprofile.import_offices", raise_exception=True)
def office_import(request):
    result = None
    if request.method == "POST":
        form = OfficeImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = offices_import_csv(text=form.cleaned_data["file"])
            if result.ok:
                messages.success(
                    request,
                    _("นำเข้าสำเร็จ: เพิ่ม %(c)d แห่ง ปรับปรุง %(u)d แห่ง ไม่เปลี่ยนแปลง %(n)d แห่ง")
                    % {"c": result.created, "u": result.updated, "n": result.unchanged},
                )
                return redirect("office-list")
    else:
        form = OfficeImportForm()
    return render(request, "orgprofile/office_import.html", {"form": form, "result": result})
