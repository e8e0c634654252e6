"""Test only, never shipped: ``oxhpy_leaky._native`` misuses HPy on purpose, one function per misuse,
so that ``tests/test_debug_catches.py`` can show that HPy's debug mode catches each one."""

from oxhpy_leaky._native import *  # noqa: F403
