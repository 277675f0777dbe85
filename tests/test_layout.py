"""The layout's rules, checked over the code's ``ast`` (no Home Assistant runs).

The rules, not today's file list: which part a module belongs to is decided by
the table below (by directory for ``therapy/``, ``engine/`` and ``voice/``, by
name for the top-level modules, by Home Assistant's platform names for the
platforms), so a module that appears later is classified the moment it exists,
and a top-level module the table does not know fails ``every-module-classified``.

Imports under ``if TYPE_CHECKING:`` may point anywhere (as in core's
``recorder/``); every other import counts, at module level or in a function.
Each rule is its own test and lists every violation in one failure. A rule that
fails today because the move is not finished is marked ``xfail(strict=True)``
in ``STILL_TO_MOVE``: once the code is fixed it XPASSes, which fails, and the
marker goes.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
import sys
from typing import Final

import pytest

from homeassistant.const import Platform

ROOT: Final = Path(__file__).parent.parent
PACKAGE: Final = "custom_components.back_recovery"
INTEGRATION: Final = Path(*PACKAGE.split("."))
"""The integration's folder, relative to a repository root."""
TESTS: Final = Path("tests")

MODULE_MAX_LINES: Final = 400
CLASS_MAX_LINES: Final = 300


class Part(StrEnum):
    """The parts of the layout (layout.md, "Allowed import directions")."""

    RULES = "therapy/*"
    NAMES = "const"
    HELPER = "shared helper"
    ENGINE_SURFACE = "engine/__init__"
    ENGINE_CORE = "engine core/state"
    ENGINE_PART = "engine part"
    PLATFORM = "platform"
    SETUP = "setup"
    VOICE = "voice"
    REPORT = "report/*"
    UNKNOWN = "unclassified"


# The table: a new module is classified by where it is and what it is called.
SUBPACKAGES: Final[Mapping[str, Part]] = {
    "therapy": Part.RULES,
    "voice": Part.VOICE,
    "report": Part.REPORT,
}
ENGINE_PACKAGE: Final = "engine"
"""Its ``__init__`` is the surface, ENGINE_CORE the core, every other module a part."""
ENGINE_CORE: Final = frozenset({"core", "requests", "state"})
"""The engine class (core and its requests) and the snapshot it builds."""
TOP_LEVEL: Final[Mapping[str, Part]] = {
    "const": Part.NAMES,
    **dict.fromkeys(
        (
            "options",
            "texts",
            "errors",
            "issues",
            "plug_entity",
            "auto_off",
            "power_sensor",
            "log_filter",
            "subentries",
            "late_off",
            "brace_sensor",
        ),
        Part.HELPER,
    ),
    **dict.fromkeys(
        (
            "entity",
            "brace_entities",
            "exercise_entities",
            "activity_entities",
            *(platform.value for platform in Platform),
        ),
        Part.PLATFORM,
    ),
    **dict.fromkeys(
        (
            "__init__",
            "config_flow",
            "selectors",
            "services",
            "activity_actions",
            "repairs",
            "diagnostics",
            "device_trigger",
            "logbook",
            "data",
            "report_view",
            "report_service",
            "exercise_flow",
            "exercise_services",
        ),
        Part.SETUP,
    ),
    **dict.fromkeys(("intent", "llm"), Part.VOICE),
    # Pain medication (issue 24): its flow and action, its entities.
    **dict.fromkeys(
        ("medication_flow", "medication_services", "subentry_flows"), Part.SETUP
    ),
    "medication_entities": Part.PLATFORM,
}
ENGINE: Final = frozenset({Part.ENGINE_SURFACE, Part.ENGINE_CORE, Part.ENGINE_PART})
ABOVE_ENGINE: Final = frozenset({Part.PLATFORM, Part.VOICE, Part.SETUP})


def classify(name: str) -> Part:
    """Return the part of the module ``name`` (dotted, relative to the integration)."""
    head, _, rest = name.partition(".")
    if head == ENGINE_PACKAGE:
        if not rest:
            return Part.ENGINE_SURFACE
        return Part.ENGINE_CORE if rest in ENGINE_CORE else Part.ENGINE_PART
    if head in SUBPACKAGES:
        return SUBPACKAGES[head]
    if rest:
        return Part.UNKNOWN
    return TOP_LEVEL.get(name or "__init__", Part.UNKNOWN)


def shown(name: str) -> str:
    """Return a module of the integration as its file reads: ``engine/core``."""
    return name.replace(".", "/") or "__init__"


@dataclass(frozen=True)
class Module:
    """One ``.py`` file of the integration."""

    name: str
    """Dotted, relative to the integration: ``""``, ``engine``, ``engine.core``."""
    path: Path
    label: str
    """The file, relative to the integration: ``engine/core.py``."""

    @property
    def part(self) -> Part:
        """The part of the layout this module belongs to."""
        return classify(self.name)

    @cached_property
    def tree(self) -> ast.Module:
        """The parsed module."""
        return ast.parse(self.path.read_text(encoding="utf-8"), self.label)

    @property
    def package(self) -> list[str]:
        """The absolute dotted package a relative import starts from."""
        parts = [*PACKAGE.split("."), *filter(None, self.name.split("."))]
        return parts if self.path.name == "__init__.py" else parts[:-1]


@dataclass(frozen=True)
class Import:
    """One runtime import of one module (a statement may give several)."""

    module: Module
    node: ast.Import | ast.ImportFrom
    target: str
    """Absolute and dotted: ``homeassistant.core``, ``custom_components.back_recovery.engine``."""

    @property
    def internal(self) -> str | None:
        """The target relative to the integration, or None outside it."""
        if self.target == PACKAGE:
            return ""
        if self.target.startswith(f"{PACKAGE}."):
            return self.target.removeprefix(f"{PACKAGE}.")
        return None

    @property
    def part(self) -> Part | None:
        """The target's part, or None outside the integration."""
        return None if self.internal is None else classify(self.internal)

    @property
    def stdlib(self) -> bool:
        """Whether the target is in Python's standard library."""
        return self.target.partition(".")[0] in sys.stdlib_module_names

    @property
    def home_assistant(self) -> bool:
        """Whether the target is in Home Assistant."""
        return self.target.partition(".")[0] == "homeassistant"

    def __str__(self) -> str:
        """Where, the statement and what it reaches."""
        reaches = self.target if self.internal is None else shown(self.internal)
        return (
            f"{self.module.label}:{self.node.lineno} `{ast.unparse(self.node)}`"
            f" -> {reaches} ({self.part or 'outside'})"
        )


def modules(root: Path) -> dict[str, Module]:
    """Return the integration's modules under the repository ``root``, by name."""
    integration = root / INTEGRATION
    found: dict[str, Module] = {}
    for path in sorted(integration.rglob("*.py")):
        relative = path.relative_to(integration)
        parts = relative.with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = Module(name, path, relative.as_posix())
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_statements(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imports(root: Path) -> list[Import]:
    """Return every runtime import of the integration, relative ones resolved."""
    known = modules(root)
    found: list[Import] = []
    for module in known.values():
        for node in _runtime_statements(module.tree):
            if isinstance(node, ast.Import):
                found.extend(Import(module, node, alias.name) for alias in node.names)
                continue
            base = module.package if node.level else []
            if node.level > 1:
                base = base[: len(base) - (node.level - 1)]
            target = [*base, *(node.module.split(".") if node.module else [])]
            for alias in node.names:
                # `from . import x` and `from .engine import core` reach a
                # submodule when there is one; otherwise the package's surface.
                candidate = ".".join([*target, alias.name])
                if (
                    candidate.startswith(f"{PACKAGE}.")
                    and candidate.removeprefix(f"{PACKAGE}.") in known
                ):
                    found.append(Import(module, node, candidate))
                else:
                    found.append(Import(module, node, ".".join(target)))
    return sorted(set(found), key=lambda i: (i.module.label, i.node.lineno, i.target))


# The import rules: each forbids some imports.


def _therapy_pure(i: Import) -> bool:
    if i.module.part is not Part.RULES:
        return False
    return i.part is not Part.RULES if i.internal is not None else not i.stdlib


def _report_pure(i: Import) -> bool:
    if i.module.part is not Part.REPORT:
        return False
    if i.internal is None:
        return not i.stdlib
    return i.part not in {Part.REPORT, Part.RULES}


def _const_names_only(i: Import) -> bool:
    if i.module.part is not Part.NAMES:
        return False
    if i.internal is not None:
        return i.internal != i.module.name
    ha_const = i.home_assistant and (
        i.target == "homeassistant.const"
        or i.target.startswith("homeassistant.const.")
        or i.target.endswith(".const")
    )
    return not (i.stdlib or ha_const)


def _helpers_below(i: Import) -> bool:
    if i.module.part is not Part.HELPER:
        return False
    if i.internal is None:
        return not (i.stdlib or i.home_assistant)
    return i.part in ENGINE | ABOVE_ENGINE


def _engine_parts_never_up(i: Import) -> bool:
    return i.module.part is Part.ENGINE_PART and (
        i.part in {Part.ENGINE_SURFACE, Part.ENGINE_CORE} | ABOVE_ENGINE
    )


def _engine_parts_share_clocks(i: Import) -> bool:
    return (
        i.module.part is Part.ENGINE_PART
        and i.part is Part.ENGINE_PART
        and i.internal not in {"engine.clocks", i.module.name}
    )


def _engine_core_never_up(i: Import) -> bool:
    return i.module.part in {Part.ENGINE_SURFACE, Part.ENGINE_CORE} and (
        i.part in ABOVE_ENGINE
    )


def _engine_surface(i: Import) -> bool:
    return i.module.part not in ENGINE and i.part in {
        Part.ENGINE_CORE,
        Part.ENGINE_PART,
    }


def _therapy_surface(i: Import) -> bool:
    return (
        i.module.part is not Part.RULES
        and i.internal is not None
        and i.internal.startswith("therapy.")
    )


def _platforms_voice_apart(i: Import) -> bool:
    return {i.module.part, i.part} == {Part.PLATFORM, Part.VOICE}


@dataclass(frozen=True)
class Check:
    """One rule of the layout and how to find what breaks it."""

    id: str
    rule: str
    find: Callable[[Path], list[str]]
    """Every violation under a repository root, one readable line each."""


def import_check(id: str, rule: str, forbids: Callable[[Import], bool]) -> Check:
    """Return a rule over the integration's runtime imports."""

    def find(root: Path) -> list[str]:
        return [str(i) for i in imports(root) if forbids(i)]

    return Check(id, rule, find)


def _unclassified(root: Path) -> list[str]:
    return [
        f"{module.label}: not in test_layout.py's table -- classify it"
        " (a part in TOP_LEVEL, SUBPACKAGES or ENGINE_*), or move it where the layout says"
        for module in modules(root).values()
        if module.part is Part.UNKNOWN
    ]


def _long_modules(root: Path) -> list[str]:
    found: list[str] = []
    for module in modules(root).values():
        lines = len(module.path.read_text(encoding="utf-8").splitlines())
        if lines > MODULE_MAX_LINES:
            found.append(f"{module.label}: {lines} lines")
    return found


def _long_classes(root: Path) -> list[str]:
    found: list[str] = []
    for module in modules(root).values():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                if lines > CLASS_MAX_LINES:
                    found.append(
                        f"{module.label}:{node.lineno} class {node.name}: {lines} lines"
                    )
    return found


# The tests' helpers.

type Function = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(path: Path) -> list[Function]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def _test_modules(root: Path) -> list[Path]:
    return sorted(
        path for path in (root / TESTS).rglob("*.py") if "__pycache__" not in path.parts
    )


def _is_helper_module(path: Path, tests: Path) -> bool:
    return (
        path.name == "conftest.py"
        or path.stem.endswith("_helpers")
        or path.parent == tests / "helpers"
    )


def _is_fixture(function: Function) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in {"pytest.fixture", "fixture"}:
            return True
    return False


def _overrides(
    path: Path, function: Function, others: Sequence[tuple[Path, Function]]
) -> bool:
    """Whether ``function`` is a fixture overriding an outer conftest's fixture, as pytest means."""
    return (
        path.name == "conftest.py"
        and _is_fixture(function)
        and any(
            other.name == "conftest.py"
            and _is_fixture(outer)
            and path.parent != other.parent
            and path.is_relative_to(other.parent)
            for other, outer in others
        )
    )


type Definitions = Mapping[tuple[str, str], Sequence[tuple[Path, Function]]]


def _repeated(root: Path, groups: Definitions, verb: str) -> list[str]:
    """Return each group of two or more definitions, fixture overrides left out."""
    found = []
    for (name, _), definitions in sorted(groups.items()):
        kept = [
            (path, function)
            for path, function in definitions
            if not _overrides(path, function, definitions)
        ]
        if len(kept) > 1:
            where = ", ".join(
                f"{path.relative_to(root).as_posix()}:{function.lineno}"
                for path, function in kept
            )
            found.append(f"{name}() {verb} {where}")
    return found


def _helpers_defined_twice(root: Path) -> list[str]:
    by_name: defaultdict[tuple[str, str], list[tuple[Path, Function]]] = defaultdict(
        list
    )
    for path in _test_modules(root):
        if _is_helper_module(path, root / TESTS):
            for function in _functions(path):
                by_name[function.name, ""].append((path, function))
    return _repeated(root, by_name, "defined in")


def _body(function: Function) -> str:
    """Return the body without its docstring and positions (and whether async)."""
    body = function.body
    if ast.get_docstring(function) is not None:
        body = body[1:]
    return "\n".join(
        [type(function).__name__, *(ast.dump(statement) for statement in body)]
    )


def _copied_functions(root: Path) -> list[str]:
    copies: defaultdict[tuple[str, str], list[tuple[Path, Function]]] = defaultdict(
        list
    )
    for path in _test_modules(root):
        for function in _functions(path):
            if not function.name.startswith("test_"):
                copies[function.name, _body(function)].append((path, function))
    return _repeated(root, copies, "copied in")


CHECKS: Final = (
    import_check(
        "therapy-imports-only-therapy",
        "therapy/* imports only the standard library and therapy/*"
        " (no Home Assistant, no const, nothing else of the integration)",
        _therapy_pure,
    ),
    import_check(
        "report-renders-without-home-assistant",
        "report/* imports only the standard library, therapy (its surface) and report/*"
        " (pure rendering: no Home Assistant, no engine, no texts.py)",
        _report_pure,
    ),
    import_check(
        "const-imports-only-names",
        "const imports only the standard library and Home Assistant's const modules"
        " (nothing else of the integration)",
        _const_names_only,
    ),
    import_check(
        "helpers-stay-below-the-engine",
        "shared helpers import only const, therapy, other shared helpers, Home Assistant"
        " and the standard library: never engine, platforms, voice or setup",
        _helpers_below,
    ),
    import_check(
        "engine-parts-never-reach-up",
        "engine parts (engine/* but __init__, core, state) never import engine/__init__,"
        " engine/core, engine/state, platforms, voice or setup modules",
        _engine_parts_never_up,
    ),
    import_check(
        "engine-parts-share-only-clocks",
        "of the engine, engine parts import only engine/clocks; the others report"
        " to engine/core, which calls them",
        _engine_parts_share_clocks,
    ),
    import_check(
        "engine-core-never-reaches-up",
        "engine/__init__, engine/core and engine/state never import platforms,"
        " voice or setup modules",
        _engine_core_never_up,
    ),
    import_check(
        "engine-through-its-surface",
        "outside engine/, the engine is imported only through its package surface"
        " (`from .engine import X`), never engine/core, engine/plug, ...",
        _engine_surface,
    ),
    import_check(
        "therapy-through-its-surface",
        "outside therapy/, the rules are imported only through their package surface"
        " (`from .therapy import X`), never therapy/log, therapy/pain, ...",
        _therapy_surface,
    ),
    import_check(
        "platforms-and-voice-apart",
        "platforms (and entity) and voice (voice/*, intent, llm) never import each other",
        _platforms_voice_apart,
    ),
    Check(
        "every-module-classified",
        "every module of the integration is in a part of the layout",
        _unclassified,
    ),
    Check(
        "modules-at-most-400-lines",
        f"no module of the integration is over {MODULE_MAX_LINES} lines",
        _long_modules,
    ),
    Check(
        "classes-at-most-300-lines",
        f"no class of the integration is over {CLASS_MAX_LINES} lines",
        _long_classes,
    ),
    Check(
        "test-helpers-defined-once",
        "no two top-level functions of the tests' helper modules (conftest.py,"
        " tests/helpers/*.py, *_helpers.py) share a name, but a conftest fixture"
        " overriding an outer conftest's",
        _helpers_defined_twice,
    ),
    Check(
        "no-copied-test-functions",
        "no two module-level non-test functions of tests/ share a name and a body",
        _copied_functions,
    ),
)

STILL_TO_MOVE: Final[Mapping[str, str]] = {}
"""What a rule still lets through because a move is not done yet: none left."""


def report(check: Check, violations: Sequence[str]) -> str:
    """One failure message: the rule, then every violation."""
    lines = "\n".join(f"  - {violation}" for violation in violations)
    return f"[{check.id}] {check.rule}; {len(violations)} violation(s):\n{lines}"


@pytest.mark.parametrize(
    "check",
    [
        pytest.param(
            check,
            id=check.id,
            marks=(
                [pytest.mark.xfail(strict=True, reason=STILL_TO_MOVE[check.id])]
                if check.id in STILL_TO_MOVE
                else []
            ),
        )
        for check in CHECKS
    ],
)
def test_layout_rule(check: Check) -> None:
    """The code keeps the rule; every violation is listed."""
    if violations := check.find(ROOT):
        pytest.fail(report(check, violations), pytrace=False)


def test_still_to_move_names_rules() -> None:
    """Each xfail reason belongs to a rule that exists."""
    assert set(STILL_TO_MOVE) <= {check.id for check in CHECKS}


def test_the_checks_read_the_integration() -> None:
    """The checks read the real tree (no rule passes on an empty folder)."""
    found = modules(ROOT)
    assert {"", "const", "engine", "engine.core", "therapy"} <= found.keys()
    assert found[""].part is Part.SETUP
    assert found["engine"].part is Part.ENGINE_SURFACE
    assert found["engine.core"].part is Part.ENGINE_CORE
    assert found["therapy"].part is Part.RULES
    # engine/__init__ exports RecoveryEngine: a relative import, resolved.
    assert ("engine", "engine.core") in {
        (i.module.name, i.internal) for i in imports(ROOT)
    }


def test_new_modules_are_classified_where_they_appear() -> None:
    """A module that appears later has its part by directory or name."""
    assert classify("voice.answers") is Part.VOICE
    assert classify("therapy.exercises") is Part.RULES
    assert classify("engine.medication") is Part.ENGINE_PART
    # The rest a removed recovery left on its plug: the rules, and the domain's store.
    assert classify("therapy.plug_rest") is Part.RULES
    assert classify("engine.plug_memory") is Part.ENGINE_PART
    assert classify("errors") is Part.HELPER
    assert classify("event") is Part.PLATFORM
    assert classify("report.weekly") is Part.REPORT
    assert classify("mystery") is Part.UNKNOWN
    assert classify("mystery.weekly") is Part.UNKNOWN


# The checks can fail: a small tree that breaks each rule.

SYNTHETIC: Final[Mapping[str, str]] = {
    "__init__.py": "",
    "const.py": "from homeassistant.core import HomeAssistant\nfrom .options import X\n",
    "options.py": "from .engine import RecoveryEngine\n",
    "entity.py": "",
    "sensor.py": (
        "from typing import TYPE_CHECKING\n"
        "from .engine.core import RecoveryEngine\n"
        "from .engine import core, RecoveryView\n"
        "from .therapy.log import TherapyLog\n"
        "if TYPE_CHECKING:\n"
        "    from .engine.plug import Plug\n"
        "    from .intent import Handler\n"
        "def later() -> None:\n"
        "    from .voice.tools import Tool\n"
    ),
    "switch.py": "from .therapy import Modality\nfrom .engine import RecoveryEngine\n",
    "intent.py": "from .entity import BackRecoveryEntity\n",
    "mystery.py": "",
    "report/__init__.py": "",
    "report/html.py": (
        "from html import escape\nfrom ..therapy import PainDiary\n"
        "from homeassistant.core import HomeAssistant\nfrom ..texts import Texts\n"
    ),
    "therapy/__init__.py": "from .log import TherapyLog\n",
    "therapy/log.py": (
        "from datetime import datetime\n"
        "from homeassistant.core import HomeAssistant\n"
        "from ..const import DOMAIN\n"
    ),
    "engine/__init__.py": "from .core import RecoveryEngine\n",
    "engine/core.py": "from ..sensor import Sensor\nfrom . import plug\n",
    "engine/state.py": "",
    "engine/clocks.py": "",
    "engine/plug.py": (
        "from .clocks import Clocks\nfrom .events import Events\nfrom . import state\n"
        "from ..services import setup\n"
    ),
    "engine/events.py": "",
    "voice/__init__.py": "",
    "voice/tools.py": "from ..switch import Switch\n",
    "big.py": "x = 1\n" * 401,
    "texts.py": "class Texts:\n" + "    x = 1\n" * 300,
}
EXPECTED: Final[Mapping[str, Sequence[str]]] = {
    "therapy-imports-only-therapy": [
        "therapy/log.py:2 `from homeassistant.core import HomeAssistant` -> homeassistant.core",
        "therapy/log.py:3 `from ..const import DOMAIN` -> const",
    ],
    "report-renders-without-home-assistant": [
        "report/html.py:3 `from homeassistant.core import HomeAssistant` -> homeassistant.core",
        "report/html.py:4 `from ..texts import Texts` -> texts",
    ],
    "const-imports-only-names": [
        "const.py:1 `from homeassistant.core import HomeAssistant`",
        "const.py:2 `from .options import X` -> options",
    ],
    "helpers-stay-below-the-engine": [
        "options.py:1 `from .engine import RecoveryEngine` -> engine",
    ],
    "engine-parts-never-reach-up": [
        "engine/plug.py:3 `from . import state` -> engine/state",
        "engine/plug.py:4 `from ..services import setup` -> services",
    ],
    "engine-parts-share-only-clocks": [
        "engine/plug.py:2 `from .events import Events` -> engine/events",
    ],
    "engine-core-never-reaches-up": [
        "engine/core.py:1 `from ..sensor import Sensor` -> sensor",
    ],
    "engine-through-its-surface": [
        "sensor.py:2 `from .engine.core import RecoveryEngine` -> engine/core",
        "sensor.py:3 `from .engine import core, RecoveryView` -> engine/core",
    ],
    "therapy-through-its-surface": [
        "sensor.py:4 `from .therapy.log import TherapyLog` -> therapy/log",
    ],
    "platforms-and-voice-apart": [
        "intent.py:1 `from .entity import BackRecoveryEntity` -> entity",
        "sensor.py:9 `from .voice.tools import Tool` -> voice/tools",
        "voice/tools.py:1 `from ..switch import Switch` -> switch",
    ],
    "every-module-classified": ["big.py: not in", "mystery.py: not in"],
    "modules-at-most-400-lines": ["big.py: 401 lines"],
    "classes-at-most-300-lines": ["texts.py:1 class Texts: 301 lines"],
    "test-helpers-defined-once": [
        (
            "shared() defined in tests/conftest.py:3, tests/deep/pain_helpers.py:1,"
            " tests/helpers/clock.py:1"
        ),
    ],
    "no-copied-test-functions": [
        "copied() copied in tests/test_a.py:1, tests/test_b.py:1",
    ],
}
SYNTHETIC_TESTS: Final[Mapping[str, str]] = {
    "conftest.py": (
        "import pytest\n@pytest.fixture\ndef shared() -> int:\n    return 1\n"
        "@pytest.fixture\ndef clock() -> int:\n    return 1\n"
        '@pytest.fixture\ndef quiet() -> None:\n    """Outer."""\n'
    ),
    "e2e/conftest.py": (
        "import pytest\n@pytest.fixture\ndef clock() -> int:\n    return 2\n"
        '@pytest.fixture\ndef quiet() -> None:\n    """Inner: overrides."""\n'
    ),
    "helpers/clock.py": "def shared() -> int:\n    return 2\n",
    "deep/pain_helpers.py": "def shared() -> int:\n    return 3\n",
    "deep/not_a_helper.py": "def shared() -> int:\n    return 4\n",
    "test_a.py": "def copied() -> int:\n    return 1\ndef test_x() -> None:\n    pass\n",
    "test_b.py": (
        'def copied(x: int = 2) -> int:\n    """Other words."""\n    return 1\n'
        "def test_x() -> None:\n    pass\n"
        "def unique() -> int:\n    return 3\n"
    ),
    "test_c.py": "def copied() -> int:\n    return 2\n",
}


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("check", CHECKS, ids=[check.id for check in CHECKS])
def test_each_rule_reports_every_violation(tmp_path: Path, check: Check) -> None:
    """On a tree that breaks the rule, every violation and only those are reported."""
    _write(tmp_path / INTEGRATION, SYNTHETIC)
    _write(tmp_path / TESTS, SYNTHETIC_TESTS)

    violations = check.find(tmp_path)

    expected = EXPECTED[check.id]
    assert len(violations) == len(expected), report(check, violations)
    for violation, start in zip(violations, expected, strict=True):
        assert violation.startswith(start), report(check, violations)


def test_every_check_has_a_synthetic_violation() -> None:
    """The meta-test covers every rule."""
    assert set(EXPECTED) == {check.id for check in CHECKS}
