"""Mutation score of the modules users rely on most: ``make mutate`` (mutmut 3).

mutmut plants one small change at a time (a flipped comparison, an off-by-one, a dropped
``not``) in the modules named by ``[tool.mutmut] only_mutate`` in ``pyproject.toml`` and runs
the tests that cover the changed function; a mutant no test notices "survived". The score is
killed / (killed + survived). The run writes ``mutants/report.txt`` (per module scores and every
survivor's name) and ``make bench`` prints that report's summary when it exists; without one
it prints the table of ``bench/mutation_report.md``, the scores measured module by module and
kept in git, with the survivors judged equivalent traced to the test files that list them.

``python -m bench.mutation`` runs mutmut and writes the report; ``python -m bench.mutation
--report`` only rewrites the report from the last run's results. Neither fails the build:
the score is watched, not gated.

``python -m bench.mutation --one MODULE.py ... --tests PATH ...`` measures one module (or a
few) with only the tests named, in a copy of the tree under ``mutants/one/`` (so it neither
waits for nor disturbs the whole run's results): on a busy 2-core machine a module takes
minutes this way instead of the hour the whole list needs. Its report lands beside the copy
(``MUTATE_TAG=-before`` in the environment names a second copy, to compare two test sets).
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "mutants" / "report.txt"
# the per-module scores and survivors kept in git (mutants/ is not)
KEPT = ROOT / "bench" / "mutation_report.md"
_LINE = re.compile(r"^\s*(?P<name>[\w.ǁ]+)__mutmut_\d+: (?P<status>[\w ]+)$")


def _mutmut(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("mutmut")
    return subprocess.run([str(exe), *args], cwd=cwd, text=True, capture_output=True,
                          check=False)


def _module(function: str) -> str:
    # "schillinger_kernel.pitch.x_pitch_class" or "...pitch.xǁKeyǁparse": the module is
    # everything before the mangled function name.
    parts = function.split(".")
    return ".".join(p for p in parts if not p.startswith("x"))


def report(cwd: Path = ROOT) -> str:
    """The per-module table and the survivors of the last run (in ``cwd``), as text."""
    out = _mutmut("results", "--all", "true", cwd=cwd).stdout
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    survivors: list[str] = []
    for line in out.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        status = m["status"].strip()
        counts[_module(m["name"])][status] += 1
        if status == "survived":
            survivors.append(line.strip().split(":")[0])
    if not counts:
        return "no mutation results: run `make mutate` first\n"
    lines = [f"{'module':44} {'killed':>7} {'survived':>9} {'other':>6} {'score':>6}"]
    total = collections.Counter[str]()
    for mod in sorted(counts):
        c = counts[mod]
        total += c
        lines.append(_row(mod, c))
    lines.append(_row("all", total))
    lines.append("")
    lines.append(f"survivors ({len(survivors)}; `.venv/bin/mutmut show NAME` prints the change):")
    lines += [f"  {s}" for s in survivors]
    return "\n".join(lines) + "\n"


def _row(name: str, c: collections.Counter[str]) -> str:
    killed, survived = c["killed"], c["survived"]
    other = sum(c.values()) - killed - survived
    score = killed / (killed + survived) if killed + survived else 1.0
    return f"{name:44} {killed:7d} {survived:9d} {other:6d} {score:6.1%}"


def summary() -> str | None:
    """The last run's table (no survivors list); without one, the committed report's table.

    ``mutants/`` is not in git, so a fresh checkout has no run of its own: the scores measured
    module by module (``--one``) and kept in ``bench/mutation_report.md`` stand in for it.
    None when neither exists.
    """
    if REPORT.exists():
        return REPORT.read_text().split("\nsurvivors", 1)[0].rstrip()
    if not KEPT.exists():
        return None
    table = [line for line in KEPT.read_text().split("\n## ", 2)[1].splitlines()
             if line.startswith("|")]
    return f"(no `make mutate` run here; from {KEPT.relative_to(ROOT)})\n" + "\n".join(table)


def _set_list(config: str, key: str, values: list[str]) -> str:
    """``config`` (pyproject text) with the ``key = [...]`` list replaced by ``values``."""
    new = f"{key} = [" + ", ".join(f'"{v}"' for v in values) + "]\n"
    out, n = re.subn(rf"^{key} = \[.*?\]\n", lambda _m: new, config, count=1,
                     flags=re.S | re.M)
    if n != 1:
        raise SystemExit(f"pyproject.toml has no [tool.mutmut] {key} list to replace")
    return out


def one(modules: list[str], tests: list[str]) -> int:
    """Mutate ``modules`` against ``tests`` alone, in a copy of the tree; print the report."""
    # MUTATE_TAG keeps two runs of one module apart (before and after new tests)
    tag = os.environ.get("MUTATE_TAG", "")
    work = ROOT / "mutants" / "one" / ("+".join(Path(m).stem for m in modules) + tag)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", "labextension", "static")
    # docs/: tests compare the admin pages with the code (test_hub_config reads hub-admin.md)
    for folder in ("schillinger_kernel", "tests", "docs"):
        shutil.copytree(ROOT / folder, work / folder, ignore=skip)
    shutil.copy2(ROOT / "conftest.py", work / "conftest.py")
    config = (ROOT / "pyproject.toml").read_text()
    config = _set_list(config, "only_mutate", modules)
    config = _set_list(config, "pytest_add_cli_args_test_selection", tests)
    (work / "pyproject.toml").write_text(config)
    t0 = time.perf_counter()
    children = os.environ.get("MUTATE_CHILDREN", "1")
    run = _mutmut("run", "--max-children", children, cwd=work)
    if run.returncode not in (0, 1) or "failed to collect stats" in run.stdout + run.stderr:
        # the tests fail on the unmutated code: every mutant would read "not checked"
        print((run.stdout + run.stderr)[-4000:], file=sys.stderr)
        return run.returncode or 1
    text = report(work)
    (work / "report.txt").write_text(text)
    print(f"mutmut ran {time.perf_counter() - t0:.0f} s in {work}")
    print(text)
    return 0


def main(argv: list[str]) -> int:
    if "--one" in argv:
        if "--tests" not in argv:
            raise SystemExit("--one MODULE.py ... needs --tests PATH ...")
        cut = argv.index("--tests")
        return one(argv[argv.index("--one") + 1:cut], argv[cut + 1:])
    if "--report" not in argv:
        t0 = time.perf_counter()
        children = os.environ.get("MUTATE_CHILDREN", str(os.cpu_count() or 2))
        run = _mutmut("run", "--max-children", children)
        # mutmut's progress spinner is noise in a log: keep its last line only.
        print((run.stdout.strip().splitlines() or [""])[-1][-200:])
        if run.returncode not in (0, 1):
            print(run.stderr[-4000:], file=sys.stderr)
            return run.returncode
        print(f"mutmut ran {time.perf_counter() - t0:.0f} s")
    text = report()
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
