"""Stop with a clear message unless this Python is the one the course's locks are resolved for.

    python3 tools/check_python.py     # exit 0, or 1 with the message (the Makefile runs it before making .venv)

Plain old syntax on purpose: it must run, and explain, on whatever Python a machine has.
"""
import sys

WANTED = (3, 11)


def problem(version, executable):
    """The message for a Python of `version` (a sys.version_info-like tuple), or None when it is the right one."""
    if tuple(version[:2]) == WANTED:
        return None
    wanted = ".".join(str(part) for part in WANTED)  # no f-strings: this must run on an old Python too
    found = ".".join(str(part) for part in version[:3])
    return (
        "This course needs Python " + wanted + ": requirements.lock and requirements-dev.lock are resolved "
        "for it (torch 2.13.0 and the rest), but " + executable + " is Python " + found + ".\n"
        "Install Python " + wanted + ", then: rm -rf .venv && make PYTHON=python" + wanted + " ..."
    )


if __name__ == "__main__":
    message = problem(sys.version_info, sys.executable)
    if message:
        sys.stderr.write(message + "\n")
        sys.exit(1)
