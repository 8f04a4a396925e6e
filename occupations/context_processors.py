from occupations.search import clean_query


def search_box(request):
    """The header's search box shows the query as the search read it: control characters
    dropped, spaces collapsed, cut at the box's 200 characters. A raw ?q= could carry a NUL
    byte or a megabyte of text into every page that has the header."""
    return {"search_box_query": clean_query(request.GET.get("q", ""))}
