from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path


def bare(request):
    return HttpResponse("ok")


@login_required
def user(request):
    return HttpResponse(f"ok {request.user.pk}")


urlpatterns = [path("bare/", bare), path("user/", user)]
