"""Counted checks shared by the Python integration tests (metering_test.py, pipelines_test.py).

check() prints PASS/FAIL NAME (and DETAIL under a failure) and counts it; summary() prints the
counts and returns the exit status. The counts are module globals: one test script a process.
"""

passed = 0
failed = 0


def check(name, ok, detail=""):
    """Counts one result; returns `ok` so that callers can stop a dependent sequence."""
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS: {name}")
    else:
        failed += 1
        print(f"FAIL: {name}" + (f"\n    {detail}" if detail else ""))
    return ok


def summary():
    """Prints "N passed, M failed"; returns the exit status (1 when anything failed)."""
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
