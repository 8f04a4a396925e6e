from django.shortcuts import render


def search_view(request):
    return render(request, "occupations/search.html", {"query": request.GET.get("q", "")})
