from django.http import Http404


def priority_list(request):
    raise Http404
