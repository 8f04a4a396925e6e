"""Links and ARIA state for templates/includes/table.html, the project-wide table template.

Sort and page links are built from `table.link_params` when a view sets it (the normalised query
of a cached table, so cached HTML never echoes a visitor's raw query string), else from the
request's query string as django-tables2 does.
"""

from django import template
from django.http import QueryDict
from django.utils.http import urlencode

register = template.Library()


def _base_params(context, table) -> dict[str, list[str]]:
    params = getattr(table, "link_params", None)
    if params is None:
        request = context.get("request")
        params = request.GET if request is not None else {}
    if isinstance(params, QueryDict):
        return {key: params.getlist(key) for key in params}
    return {
        key: list(value) if isinstance(value, list | tuple) else [value]
        for key, value in params.items()
        if value not in (None, "")
    }


def _url(table, params) -> str:
    query = urlencode(params, doseq=True)
    path = getattr(table, "link_path", "")
    anchor = getattr(table, "link_anchor", "")
    return f"{path}?{query}" + (f"#{anchor}" if anchor else "") if query else (path or "?")


@register.simple_tag(takes_context=True)
def table_sort_url(context, table, column):
    """The link of a sortable header: the other direction if sorted by it, else ascending."""
    params = _base_params(context, table)
    params[table.prefixed_order_by_field] = [column.order_by_alias.next]
    # A new order starts again at the first page.
    params.pop(table.prefixed_page_field, None)
    return _url(table, params)


@register.simple_tag(takes_context=True)
def table_page_url(context, table, number):
    params = _base_params(context, table)
    params[table.prefixed_page_field] = [str(number)]
    return _url(table, params)


@register.filter
def aria_sort(column) -> str:
    """'ascending' or 'descending' for the column the rows are sorted by, '' for the others."""
    if not column.orderable or not column.is_ordered:
        return ""
    return "descending" if column.order_by_alias.is_descending else "ascending"
