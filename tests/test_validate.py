"""The validation stage as the build calls it: columns filled, unvalidated rows dropped by config
with a counted reason, timeouts, and the rules applied to hand-made plans."""

from __future__ import annotations

from types import SimpleNamespace

import harness_fixtures as fx
from pipeline import harness_common as hc
from pipeline.harness_common import HarnessPlan
from pipeline.records import MARKER
from pipeline.validate import HARNESS_DROP, add_harnesses, check_plan, harness_funnel, reason_key

SEEDS = [1, 2, 3, 4, 5]


def _config(require: bool, timeout: float = 10.0):
    return SimpleNamespace(harness=SimpleNamespace(python=None, seeds=5, timeout=timeout, require_validated=require))


def test_add_harnesses_fills_columns_and_drops_by_config():
    rows = [fx.py_record(fx.GC_CONTENT).to_row(), fx.py_record(fx.CONSTANT).to_row()]
    kept, dropped = add_harnesses([dict(r) for r in rows], _config(require=True), jobs=2)
    assert [r["name"] for r in kept] == ["gc_content"]
    assert kept[0]["harness_validated"] and kept[0]["test_runs"][0].keys() == {"seed", "output"}
    assert dropped[0]["drop_reason"] == f"{HARNESS_DROP}: {hc.OUTPUT_IGNORES_INPUTS}"
    assert dropped[0]["test_harness"] and MARKER in dropped[0]["test_harness"]  # kept for audit
    assert harness_funnel(kept + dropped) == {"output_ignores_inputs": 1, "validated": 1}
    kept, dropped = add_harnesses([dict(r) for r in rows], _config(require=False), jobs=2)
    assert len(kept) == 2 and not dropped


def test_timeout_is_a_reason():
    code = "def spin(seq):\n    while True:\n        pass\n"
    kept, _ = add_harnesses([fx.py_record(code).to_row()], _config(require=False, timeout=1.0))
    assert reason_key(kept[0]["harness_reason"]) == hc.TIMEOUT


def _plan(main: str, reference: str, stubs: dict[str, str], has_inputs: bool = True) -> HarnessPlan:
    program = f"{MARKER}\n\nimport sys\nseed = int(sys.argv[1])\n{main}\n"
    return HarnessPlan("python", program, reference, stubs, has_inputs)


def test_rules_on_hand_made_plans():
    ref = "def f(x):\n    return x * 2"
    ok = check_plan(_plan("print(f(seed))", ref, {"pass": "def f(x):\n    pass"}), python=None, seeds=SEEDS, timeout=10)
    assert ok.harness_validated and [r["output"] for r in ok.test_runs] == ["2", "4", "6", "8", "10"]
    # a stub that happens to agree with the reference on every seed
    weak = check_plan(_plan("print(f(0))", ref, {"zero": "def f(x):\n    return 0"}, has_inputs=False),
                      python=None, seeds=SEEDS, timeout=10)
    assert weak.harness_reason == f"{hc.STUB_PASSES}:zero"
    # a program that crashes with the reference
    bad = check_plan(_plan("print(f(seed) + undefined_name)", ref, {}), python=None, seeds=SEEDS, timeout=10)
    assert not bad.harness_validated and reason_key(bad.harness_reason) == hc.REFERENCE_FAILS


def test_a_plan_that_fails_the_rules_is_retried_another_way():
    ref = "def f(x):\n    return x * 2"
    good = _plan("print(f(seed))", ref, {"pass": "def f(x):\n    pass"})
    constant = _plan("print(f(0))", ref, {"pass": "def f(x):\n    pass"})  # output ignores the inputs
    made = []
    constant.retry = lambda: made.append(good) or good
    out = check_plan(constant, python=None, seeds=SEEDS, timeout=10)
    assert out.harness_validated and out.test_harness == good.program and made == [good]
    # a validated plan is not retried; a retry that is no better leaves the first outcome
    good.retry = lambda: made.append("again") or constant
    assert check_plan(good, python=None, seeds=SEEDS, timeout=10).harness_validated and made == [good]
    constant.retry = lambda: _plan("print(f(1))", ref, {})
    assert check_plan(constant, python=None, seeds=SEEDS, timeout=10).harness_reason == hc.OUTPUT_IGNORES_INPUTS
