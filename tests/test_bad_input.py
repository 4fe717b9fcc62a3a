"""Every parameter of every public model function rejects nonsense with an error that names it.

A mechanical sweep over each model module's ``__all__``. A valid call of each function is taken from
its own docstring example (so the sweep grows with the package and needs no table); then each argument
of that call in turn is replaced by an object of no sensible type, and the call must raise a TypeError or
ValueError whose message names that parameter. The per-module tests check the exact messages for
realistic mistakes (a negative rate, a probability of 1.5); this sweep makes sure that no public entry
point, and no parameter, was left without validation.
"""
from __future__ import annotations

import doctest
import importlib
import inspect

import matplotlib
import pytest

matplotlib.use("Agg")

MODEL_MODULES = ["common", "queueing", "tails", "srd", "serverless", "snapshots", "systolic", "rounding", "inference"]
#: Records the models return (not inputs), and the command-line entry points (argparse validates those).
SKIP_SUFFIXES = ("Result", "Sweep", "Report", "Summary", "Check", "Solution", "Problem", "Snapshot")
SKIP_NAMES = {"main", "progress", "run_cli", "style"}
#: The check_* validators take the parameter's label first; tests/test_common.py covers their messages.
SKIP_PREFIXES = ("check_",)


class Nonsense:
    """An argument no model function should accept."""

    def __repr__(self) -> str:
        return "<nonsense>"


class _Recorder:
    def __init__(self, func):
        self.func, self.calls = func, []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.func(*args, **kwargs)


def example_call(module, name):
    """(args, kwargs) of the first call of ``name`` in its docstring examples, or None."""
    func = getattr(module, name)
    examples = doctest.DocTestParser().get_examples(inspect.getdoc(func) or "")
    namespace = dict(vars(module))
    recorder = _Recorder(func)
    namespace[name] = recorder
    for example in examples:
        try:
            exec(compile(example.source, f"<{name} example>", "exec"), namespace)
        except Exception:  # noqa: BLE001 - an example that raises on purpose is not a valid call
            recorder.calls.clear()
        if recorder.calls:
            return recorder.calls[0]
    return None


def cases():
    for module_name in MODEL_MODULES:
        module = importlib.import_module(f"labsupport.{module_name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (not callable(obj) or name.endswith(SKIP_SUFFIXES) or name in SKIP_NAMES
                    or name.startswith(SKIP_PREFIXES)):
                continue
            call = example_call(module, name)
            if call is None:
                yield pytest.param(obj, None, None, id=f"{module_name}.{name}:no-example")
                continue
            signature = inspect.signature(obj)
            bound = signature.bind(*call[0], **call[1])
            for param, value in bound.arguments.items():
                if signature.parameters[param].kind is inspect.Parameter.VAR_KEYWORD:
                    for key in value:  # each **scenario keyword is a parameter of its own
                        yield pytest.param(obj, bound, key, id=f"{module_name}.{name}({key})")
                else:
                    yield pytest.param(obj, bound, param, id=f"{module_name}.{name}({param})")


@pytest.mark.parametrize("func, bound, param", list(cases()))
def test_every_parameter_is_validated(func, bound, param):
    assert bound is not None, f"{func.__qualname__} has no docstring example calling it"
    args, kwargs = [], {}
    for name, value in bound.arguments.items():
        kind = bound.signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            args.extend(value)
        elif kind is inspect.Parameter.POSITIONAL_ONLY:
            args.append(value)
        elif kind is inspect.Parameter.VAR_KEYWORD:
            kwargs.update(value)
        else:
            kwargs[name] = value  # by keyword: a parameter left at its default leaves no gap
    if param in kwargs:
        kwargs[param] = Nonsense()
    else:  # a positional-only parameter
        names = [n for n, p in bound.signature.parameters.items() if p.kind is p.POSITIONAL_ONLY]
        args[names.index(param)] = Nonsense()
    with pytest.raises((TypeError, ValueError)) as info:
        func(*args, **kwargs)
    message = str(info.value)
    assert f'"{param}"' in message or f"'{param}'" in message or param in message, message
