from django.http import Http404


def claim_list(request):
    raise Http404


def finance_queue(request):
    raise Http404
