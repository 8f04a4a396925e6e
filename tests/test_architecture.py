"""The layer rule of docs/architecture.md has no blind spot: import-linter (make lint) checks
only the modules its contract names, so every module of the careers package must be in a layer
(occupations and salaries are layers as a whole)."""

import pkgutil
import tomllib

from django.conf import settings

import careers


def contract_layers() -> list[set[str]]:
    config = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())
    (contract,) = config["tool"]["importlinter"]["contracts"]
    return [
        {name.strip() for name in layer.replace("|", ":").split(":")}
        for layer in contract["layers"]
    ]


def test_every_module_of_the_careers_package_is_in_a_layer():
    named = set().union(*contract_layers())
    modules = {f"careers.{info.name}" for info in pkgutil.iter_modules(careers.__path__)}
    assert sorted(modules - named) == []


def test_the_layers_run_from_the_entry_points_down_to_the_kernel():
    layers = contract_layers()
    assert layers[0] == {"careers.urls", "careers.wsgi"}
    assert layers[1] == {"careers.pages", "careers.management"}
    assert layers[2:4] == [{"salaries"}, {"occupations"}]
    assert {"careers.models", "careers.cache", "careers.plans", "careers.settings"} <= layers[4]
