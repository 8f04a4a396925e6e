"""Every public page type against a trivial view, in one run: the speed goal of issue 14.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/careers \\
        .venv/bin/python benchmarks/pages.py [--seconds 10] [--rounds 2] [--only profile state]

Starts gunicorn with production settings (benchmarks/profile_page.py does the same for one
page), warms every worker, then measures /robots.txt (a view that reads neither the database
nor a template, through the same middleware) and each page type in alternating rounds with wrk,
as a visitor and, for the pages that depend on the viewer, as a logged-in member. Prints
requests/s, the ratio to the trivial view and whether it meets the goal: at least 0.5 for
every page type, 0.15 for search. Exits 1 when a page misses its goal or answers an error.
Needs wrk (apt-get install -y wrk) and the site data loaded (make run, or load_site_data).
"""

import argparse
import secrets
import subprocess
import sys

from profile_page import (
    BASE_DIR,
    HOST,
    TRIVIAL,
    free_port,
    get,
    measure_wrk,
    production_env,
    start_gunicorn,
    stop,
)

GOAL, SEARCH_GOAL = 0.5, 0.15

# (page type, path, goal); the member pages send a session cookie made below.
PAGES = [
    ("home", "/", GOAL),
    ("browse", "/occupations/", GOAL),
    ("group", "/occupations/groups/29-0000/", GOAL),
    ("group, filtered and sorted", "/occupations/groups/29-0000/?sort=-median&per_page=50", GOAL),
    ("profile (written)", "/occupations/medical-records-specialist/", GOAL),
    (
        "profile (written), percentiles",
        "/occupations/medical-records-specialist/?wages=annual-percentiles",
        GOAL,
    ),
    ("profile (data only)", "/occupations/registered-nurses/", GOAL),
    ("search", "/search/?q=nurse", SEARCH_GOAL),
    ("states", "/states/", GOAL),
    ("state", "/states/ca/", GOAL),
    ("compare", "/salaries/medical-records-specialist/compare/?state=CA&state=TX&state=NY", GOAL),
    ("pricing", "/pricing/", GOAL),
]
MEMBER_PAGES = {"profile (written)", "profile (data only)", "home", "pricing"}


def member_cookie(env: dict) -> str:
    """A Premium member's session, made in the database the server reads, as a Cookie header."""
    email = f"bench-{secrets.token_hex(4)}@example.com"
    code = (
        "from django.contrib.auth import get_user_model;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "from django.conf import settings;"
        f"u = get_user_model().objects.create_user({email!r}, None, plan='premium');"
        "s = SessionStore(); s['_auth_user_id'] = str(u.pk);"
        "s['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend';"
        "s['_auth_user_hash'] = u.get_session_auth_hash(); s.create();"
        "print(settings.SESSION_COOKIE_NAME + '=' + s.session_key)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="page types to measure (default: all)")
    args = parser.parse_args()

    env = production_env()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    cookie = member_cookie(env)
    pages = [page for page in PAGES if not args.only or page[0] in args.only]
    runs = [(name, path, goal, None) for name, path, goal in pages]
    runs += [
        (f"{name}, member", path, goal, cookie)
        for name, path, goal in pages
        if name in MEMBER_PAGES
    ]
    port = free_port()
    process = start_gunicorn(port, args.workers, env)
    try:
        for name, path, _, _ in runs:
            status, _ = get(port, path)
            if status != 200:
                sys.exit(f"{name}: {path} answered {status}, not 200")
        print(
            f"gunicorn: {args.workers} workers on {HOST}:{port}, production settings; wrk, "
            f"{args.connections} connections, {args.seconds} s per run, best of {args.rounds}"
        )
        for _, path, _, header in [(None, TRIVIAL, None, None), *runs]:
            measure_wrk(port, path, seconds=2, connections=args.connections, header=header)
        best = {"trivial": 0.0}
        for _ in range(args.rounds):
            rate, _ = measure_wrk(port, TRIVIAL, seconds=args.seconds, connections=args.connections)
            best["trivial"] = max(best["trivial"], rate)
            for name, path, _, header in runs:
                rate, bad = measure_wrk(
                    port, path, seconds=args.seconds, connections=args.connections, header=header
                )
                if bad:
                    sys.exit(f"{name}: {bad} responses were errors")
                best[name] = max(best.get(name, 0.0), rate)
    finally:
        stop(process)
    trivial = best["trivial"]
    print("\n| page | path | requests/s | ratio | goal |\n| --- | --- | ---: | ---: | --- |")
    print(f"| trivial view | {TRIVIAL} | {trivial:,.1f} | | |")
    missed = []
    for name, path, goal, _ in runs:
        ratio = best[name] / trivial
        verdict = "meets" if ratio >= goal else "MISSES"
        if ratio < goal:
            missed.append(name)
        print(f"| {name} | `{path}` | {best[name]:,.1f} | {ratio:.2f} | {verdict} {goal} |")
    if missed:
        print(f"\nBelow the goal: {', '.join(missed)}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
