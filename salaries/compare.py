"""Compare states: which states to show, in the order chosen."""


def in_order_chosen(areas, chosen) -> list:
    """The areas whose abbreviations are in `chosen`, in the order of `chosen` (the order of the
    ?state= parameters), each once."""
    by_abbr = {area.state_abbr: area for area in areas}
    return [by_abbr[abbr] for abbr in dict.fromkeys(chosen) if abbr in by_abbr]
