"""``tf.app``: the entry point of TF1 scripts, ``tf.app.run()``, and ``tf.app.flags``.

TF1's tutorials end with::

    if __name__ == "__main__":
        tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
"""

import sys

from minigraph import flags

__all__ = ["run", "flags"]

_HELP = ("--help", "-help", "--helpshort", "-helpshort", "--helpfull", "-helpfull", "-?")


def run(main=None, argv=None):
    """Parse the flags in ``argv``, call ``main`` with what is left, and exit with what
    ``main`` returns, as TF1's ``tf.app.run`` does.

    Args:
      main: the program's ``main(argv)``; ``None`` takes the ``main`` of the ``__main__``
        module (the script being run, or the notebook's own namespace).
      argv: the command line, program name first; ``None`` is ``sys.argv``.

    What it does, step by step:

    1. ``tf.flags.FLAGS(argv, known_only=True)`` sets the flags defined with
       ``tf.app.flags.DEFINE_*`` from ``argv``; arguments that are no known flag are kept
       (TF1 tolerated them too), so ``main`` receives ``[argv[0], <the rest>...]``. A known
       flag with a bad value raises ``IllegalFlagValueError``. ``--help`` prints the flags
       and exits with status 1, as TF1 (absl) did.
    2. ``sys.exit(main(remaining_argv))``: the process ends with ``main``'s return value as
       its exit status (``None`` is 0, an int is that status, a string is printed and gives
       1). Code after ``tf.app.run()`` never runs.

    **In a notebook** the ``SystemExit`` of step 2 does not stop the kernel: IPython catches
    it and prints "An exception has occurred, use %tb to see the full traceback." and
    ``SystemExit`` with the status, plus a warning about exiting. That is what TF1 did there
    too; it is harmless, everything ``main`` did is done. In Jupyter ``sys.argv`` holds the
    kernel's ``-f <connection file>``, which ``main`` receives and can ignore. To avoid the
    message, call ``main([""])`` yourself in a notebook (after setting flags with
    ``tf.flags.FLAGS.name = value`` if you want other values than the defaults).
    """
    main = main or sys.modules["__main__"].main
    argv = sys.argv if argv is None else argv
    for arg in argv[1:]:
        if arg == "--":
            break
        if arg in _HELP:
            print("\n       USAGE: %s [flags]\nflags:\n\n%s\n" % (argv[0], flags.FLAGS))
            sys.exit(1)
    remaining = flags.FLAGS(argv, known_only=True)
    sys.exit(main(remaining))
