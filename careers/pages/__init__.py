"""The pages layer: every page that puts occupations and their pay together.

Home, an occupation's page, search and browse are assembled here from plain values that the
layers below hand up (occupations: the catalogue and search engine; salaries: wage figures,
tables and sections; the careers kernel: plans and the cache). Gating (which alternatives a plan
shows) and the page-cache policy live here too. Nothing below imports this package; see
docs/architecture.md.
"""
