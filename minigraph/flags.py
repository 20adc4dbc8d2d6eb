"""``tf.flags`` (also ``tf.app.flags``): command-line flags, as TF1's MNIST tutorials use them.

    flags = tf.app.flags
    flags.DEFINE_string("data_dir", "/tmp/data", "Directory for storing input data")
    flags.DEFINE_integer("max_steps", 2000, "Number of steps to run trainer.")
    flags.DEFINE_boolean("fake_data", False, "If true, uses fake data for unit testing.")
    FLAGS = flags.FLAGS

    def main(_):
        print(FLAGS.data_dir, FLAGS.max_steps)   # the defaults, or what the command line said

    tf.app.run(main)    # python train.py --max_steps=100 --nofake_data

TF1's flags are absl's (``absl.flags``); this is a small pure-Python copy of what TF1 programs
use, with absl's parsing rules, values and error classes and messages:

* ``--name=value``, ``--name value``, ``-name=value``; a boolean is ``--name``,
  ``--noname`` or ``--name=true|false|t|f|1|0``; ``--`` ends the flags.
* ``FLAGS(argv)`` parses ``argv`` (``argv[0]`` is the program) and returns ``argv[0]`` and
  the arguments that are not flags. An unknown flag is ``UnrecognizedFlagError``, unless
  ``known_only=True`` (what ``tf.app.run`` passes), which hands it back instead.
* Defining a flag twice is ``DuplicateFlagError``, as in TF1. **In a notebook**, re-running
  the cell that defines flags does that: run ``del FLAGS.name`` first (or restart).

One difference, on purpose: reading ``FLAGS.name`` before any parse parses ``sys.argv`` and
**ignores arguments it does not know**, as TF up to 1.4 did (argparse's
``parse_known_args``). TF 1.5 to 1.15 (absl) raised ``UnrecognizedFlagError: Unknown command
line flag 'f'`` there inside Jupyter, whose kernel runs with ``-f <connection file>``; with
minigraph the flags keep their defaults in a notebook and set them with ``FLAGS.name = v``.
"""

import csv
import sys
import warnings

__all__ = [
    "FLAGS", "FlagValues", "Flag", "FlagHolder", "MultiFlag", "Error", "DuplicateFlagError",
    "IllegalFlagValueError", "UnrecognizedFlagError", "UnparsedFlagAccessError",
    "ValidationError", "DEFINE_string", "DEFINE_integer", "DEFINE_float", "DEFINE_boolean",
    "DEFINE_bool", "DEFINE_enum", "DEFINE_list", "DEFINE_multi_string",
    "DEFINE_multi_integer", "DEFINE_multi_float", "mark_flag_as_required",
    "mark_flags_as_required",
]


# ---------------------------------------------------------------------------------- errors

class Error(Exception):
    """The base of the flag errors (``absl.flags.Error``)."""


class DuplicateFlagError(Error):
    """A flag name defined twice."""


class IllegalFlagValueError(Error):
    """A value the flag's type refuses (``--max_steps=abc``), given or as the default."""


class UnrecognizedFlagError(Error):
    """A flag no one defined, on the command line or set as ``FLAGS.name = value``."""

    def __init__(self, flagname, flagvalue="", suggestions=()):
        self.flagname = flagname
        self.flagvalue = flagvalue
        tip = ". Did you mean: %s ?" % ", ".join(suggestions) if suggestions else ""
        super().__init__("Unknown command line flag '%s'%s" % (flagname, tip))


class UnparsedFlagAccessError(Error):
    """A flag of a ``FlagValues`` read before it was parsed (never from ``tf.flags.FLAGS``,
    which parses ``sys.argv`` then)."""


class ValidationError(Error):
    """A flag value a validator refused."""


# ----------------------------------------------------------------- parsing one value

def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class _Parser:
    """Turns a command-line string (or a Python default) into a flag's value."""
    help = ""          # what the value must be: "an integer", "a number"...
    type_name = "string"

    def parse(self, argument):
        if not isinstance(argument, str):
            raise TypeError('flag value must be a string, found "%s"' % type(argument))
        return argument


class _Boolean(_Parser):
    type_name = "bool"

    def parse(self, argument):
        if isinstance(argument, str):
            if argument.lower() in ("true", "t", "1"):
                return True
            if argument.lower() in ("false", "f", "0"):
                return False
        elif isinstance(argument, int) and argument == bool(argument):
            return bool(argument)
        raise ValueError("Non-boolean argument to boolean flag", argument)


class _Numeric(_Parser):
    article, noun = "an", "integer"

    def __init__(self, lower_bound=None, upper_bound=None):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound
        help_ = "%s %s" % (self.article, self.noun)
        if lower_bound is not None and upper_bound is not None:
            help_ = "%s in the range [%s, %s]" % (help_, lower_bound, upper_bound)
        elif lower_bound == 1:
            help_ = "a positive %s" % self.noun
        elif upper_bound == -1:
            help_ = "a negative %s" % self.noun
        elif lower_bound == 0:
            help_ = "a non-negative %s" % self.noun
        elif upper_bound == 0:
            help_ = "a non-positive %s" % self.noun
        elif upper_bound is not None:
            help_ = "%s <= %s" % (self.noun, upper_bound)
        elif lower_bound is not None:
            help_ = "%s >= %s" % (self.noun, lower_bound)
        self.help = help_

    def parse(self, argument):
        value = self.convert(argument)
        if (self.lower_bound is not None and value < self.lower_bound) or \
                (self.upper_bound is not None and value > self.upper_bound):
            raise ValueError("%s is not %s" % (value, self.help))
        return value


class _Integer(_Numeric):
    type_name = "int"

    @staticmethod
    def convert(argument):
        if _is_int(argument):
            return argument
        if isinstance(argument, str):
            base = 10
            if len(argument) > 2 and argument[0] == "0":
                base = {"o": 8, "x": 16}.get(argument[1], 10)
            return int(argument, base)
        raise TypeError("Expect argument to be a string or int, found %s" % type(argument))


class _Float(_Numeric):
    article, noun = "a", "number"
    type_name = "float"

    @staticmethod
    def convert(argument):
        if _is_int(argument) or isinstance(argument, (float, str)):
            return float(argument)
        raise TypeError("Expect argument to be a string, int, or float, found %s"
                        % type(argument))


class _Enum(_Parser):
    def __init__(self, enum_values):
        if not enum_values:
            raise ValueError("enum_values cannot be empty, found %r" % (enum_values,))
        self.enum_values = list(enum_values)

    def parse(self, argument):
        if argument not in self.enum_values:
            raise ValueError("value should be one of <%s>" % "|".join(self.enum_values))
        return argument


class _List(_Parser):
    help = "a comma separated list"
    type_name = "list"

    def parse(self, argument):
        if isinstance(argument, list):
            return argument
        if not argument:
            return []
        try:
            return [s.strip() for s in list(csv.reader([argument], strict=True))[0]]
        except csv.Error as e:
            raise ValueError("Unable to parse the value %r as a comma separated list of "
                             "strings: %s" % (argument, e)) from None


# --------------------------------------------------------------------------- the flags

class Flag:
    """One flag: its ``name``, ``default``, ``help`` and current ``value``.

    ``present`` counts how often the command line gave it; ``using_default_value`` is False
    once it was parsed or set.
    """

    def __init__(self, parser, name, default, help, short_name=None, boolean=False):  # noqa: A002
        self.parser = parser
        self.name = name
        self.help = help
        self.short_name = short_name
        self.boolean = boolean
        self.present = 0
        self.using_default_value = True
        self.default = None if default is None else self._parse(default)
        self.value = self.default

    def _parse(self, argument):
        try:
            return self.parser.parse(argument)
        except (TypeError, ValueError) as e:
            raise IllegalFlagValueError("flag --%s=%s: %s" % (self.name, argument, e)) from None

    def parse(self, argument):
        """Set the value from one command-line ``argument``."""
        self.value = self._parse(argument)
        self.present += 1

    def _reset(self):
        self.value = self.default
        self.present = 0
        self.using_default_value = True

    def _serialized_default(self):
        if self.default is None:
            return None
        if isinstance(self.default, list):
            return ",".join(self.default)
        return str(self.default).lower() if self.boolean else str(self.default)

    def _help_lines(self):
        name = "--[no]%s" % self.name if self.boolean else "--%s" % self.name
        text = self.help
        if isinstance(self.parser, _Enum):
            text = "<%s>: %s" % ("|".join(self.parser.enum_values), text)
        lines = ["  %s: %s" % (name, text)]
        default = self._serialized_default()
        if default is not None:
            lines.append("    (default: %r)" % default)
        if self.parser.help:
            lines.append("    (%s)" % self.parser.help)
        return lines


class MultiFlag(Flag):
    """A flag the command line may repeat: ``--tag=a --tag=b`` is ``["a", "b"]``."""

    def _parse(self, arguments):
        if not isinstance(arguments, list):
            arguments = [arguments]
        return [Flag._parse(self, a) for a in arguments]

    def parse(self, arguments):
        new = self._parse(arguments)
        self.value = self.value + new if self.present else new
        self.present += len(new)


class FlagHolder:
    """What a ``DEFINE_*`` returns: a handle on the flag (``.value``, ``.name``)."""

    def __init__(self, flag_values, flag):
        self._flag_values = flag_values
        self._flag = flag

    @property
    def name(self):
        return self._flag.name

    @property
    def value(self):
        return getattr(self._flag_values, self._flag.name)

    @property
    def default(self):
        return self._flag.default

    @property
    def present(self):
        return bool(self._flag.present)


# ------------------------------------------------------------------------- FlagValues

def _calling_module():
    """The module that called into here, as absl names it (``sys.argv[0]`` for __main__)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    name = frame.f_globals.get("__name__", "<unknown>") if frame is not None else "<unknown>"
    if name == "__main__" and sys.argv and sys.argv[0]:
        return sys.argv[0]
    return name


class FlagValues:
    """The registry of flags and their values: ``FLAGS.name`` is the value of ``--name``,
    ``FLAGS["name"]`` the :class:`Flag`, ``FLAGS(argv)`` parses a command line."""

    def __init__(self, parse_on_first_use=False):
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_defined_by", {})
        object.__setattr__(self, "_required", [])
        object.__setattr__(self, "_parsed", False)
        object.__setattr__(self, "_parse_on_first_use", parse_on_first_use)

    # -- defining -----------------------------------------------------------------------
    def _define(self, flag, module=None):
        module = module or _calling_module()
        for key in filter(None, (flag.name, flag.short_name)):
            if key in self._flags:
                raise DuplicateFlagError(
                    "The flag '%s' is defined twice. First from %s, second from %s. "
                    "Description from first occurrence: %s"
                    % (key, self._defined_by.get(key, "<unknown>"), module,
                       self._flags[key].help))
        for key in filter(None, (flag.name, flag.short_name)):
            self._flags[key] = flag
            self._defined_by[key] = module
        return FlagHolder(self, flag)

    def __delattr__(self, name):
        """``del FLAGS.name`` forgets the flag, so it can be defined again."""
        flag = self._flags.get(name)
        if flag is None:
            raise AttributeError(name)
        for key in filter(None, (flag.name, flag.short_name)):
            self._flags.pop(key, None)
            self._defined_by.pop(key, None)

    # -- reading and setting -----------------------------------------------------------------
    def __getattr__(self, name):
        flags = self.__dict__["_flags"]
        if name.startswith("__") or (name.startswith("_") and name not in flags):
            raise AttributeError(name)
        if not self.__dict__["_parsed"] and self.__dict__["_parse_on_first_use"]:
            # TF1's tf.flags.FLAGS parses sys.argv when a flag is first read; minigraph
            # ignores what it does not know (the kernel's -f in Jupyter), see the module doc
            self(sys.argv or [""], known_only=True)
        if name not in flags:
            raise AttributeError(name)
        if not self.__dict__["_parsed"]:
            raise UnparsedFlagAccessError(
                "Trying to access flag --%s before flags were parsed." % name)
        return flags[name].value

    def __setattr__(self, name, value):
        """``FLAGS.name = value`` sets a flag's value (as given, not parsed)."""
        flag = self._flags.get(name)
        if flag is None:
            raise UnrecognizedFlagError(name, value)
        flag.value = value
        flag.using_default_value = False

    def __getitem__(self, name):
        return self._flags[name]

    def __contains__(self, name):
        return name in self._flags

    def __iter__(self):
        return iter(self._flags)

    def __len__(self):
        return len(self._flags)

    def __dir__(self):
        return sorted(self._flags)

    def get_flag_value(self, name, default):
        value = self.__getattr__(name)
        return default if value is None else value

    def flag_values_dict(self):
        """``{name: value}`` of every flag."""
        return {name: flag.value for name, flag in self._flags.items()}

    def set_default(self, name, value):
        """Change the default of a flag (and its value, if the command line did not set it)."""
        flag = self._flags.get(name)
        if flag is None:
            raise UnrecognizedFlagError(name, value)
        flag.default = None if value is None else flag._parse(value)
        if flag.using_default_value:
            flag.value = flag.default

    # -- parsing ---------------------------------------------------------------------------
    def is_parsed(self):
        return self._parsed

    def mark_as_parsed(self):
        """Take the flags as parsed: their values are the defaults, or what was set."""
        object.__setattr__(self, "_parsed", True)

    def unparse_flags(self):
        """Back to before any ``FLAGS(argv)``: every flag at its default, nothing parsed."""
        for flag in self._flags.values():
            flag._reset()
        object.__setattr__(self, "_parsed", False)

    def __call__(self, argv, known_only=False):
        """Parse the flags in ``argv`` (``argv[0]`` is the program's name) and return
        ``argv[0]`` followed by the arguments that are not flags (and, with
        ``known_only=True``, the flags no one defined)."""
        if isinstance(argv, (str, bytes)):
            raise TypeError("argv should be a tuple/list of strings, not bytes or string.")
        if not argv:
            raise ValueError("argv cannot be an empty list, and must contain the program name "
                             "as the first element.")
        unknown, rest = self._parse_args(list(argv[1:]), known_only)
        for name, _ in unknown:
            close = [n for n in self._flags if _similar(name, n)]
            raise UnrecognizedFlagError(name, "", suggestions=close)
        self.mark_as_parsed()
        for name in self._required:
            if name in self._flags and self._flags[name].value is None:
                raise IllegalFlagValueError("flag --%s=None: Flag --%s must have a value other "
                                            "than None." % (name, name))
        return [argv[0]] + rest

    def _parse_args(self, args, known_only):
        """absl's loop: returns ([(unknown name, arg)], [arguments left over])."""
        rest, unknown = [], []
        it = iter(args)
        for arg in it:
            if not arg.startswith("-"):
                rest.append(arg)            # a positional argument: go on (GNU style)
                continue
            if arg == "--":
                if known_only:
                    rest.append(arg)
                rest.extend(it)
                break
            name, sep, value = (arg[2:] if arg.startswith("--") else arg[1:]).partition("=")
            value = value if sep else None
            if not name:                    # "-" (or "--=..."): an argument, not a flag
                rest.append(arg)
                continue
            flag = self._flags.get(name)
            if flag is not None:
                if flag.boolean and value is None:
                    value = "true"
                elif value is None:
                    try:
                        value = next(it)
                    except StopIteration:
                        raise Error("Missing value for flag " + arg) from None
            elif name.startswith("no") and len(name) > 2 and \
                    getattr(self._flags.get(name[2:]), "boolean", False):
                if value is not None:
                    raise ValueError(arg + " does not take an argument")
                flag, value = self._flags[name[2:]], "false"
            if flag is None:
                if known_only:
                    rest.append(arg)
                else:
                    unknown.append((name, arg))
                continue
            flag.parse(value)
            flag.using_default_value = False
        return unknown, rest

    # -- help ------------------------------------------------------------------------------
    def __str__(self):
        """The flags and their help, grouped by the module that defined them."""
        by_module = {}
        for name, flag in sorted(self._flags.items()):
            if name == flag.name:
                by_module.setdefault(self._defined_by.get(name, "<unknown>"), []).append(flag)
        lines = []
        for module in sorted(by_module):
            lines.append("%s:" % module)
            for flag in by_module[module]:
                lines.extend(flag._help_lines())
        return "\n".join(lines)


def _similar(a, b):
    """absl suggests flags within a small edit distance of a misspelt one."""
    if abs(len(a) - len(b)) > 2:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= max(1, min(len(a), len(b)) // 4)


#: the flags of the program; parses ``sys.argv`` when first read (see the module doc)
FLAGS = FlagValues(parse_on_first_use=True)


# ----------------------------------------------------------------------------- DEFINE_*

_RENAMED = {"flag_name": "name", "default_value": "default", "docstring": "help"}


def _renamed(kwargs, where):
    """TF1 still took these flags' pre-absl keyword names, with a warning."""
    old = [k for k in _RENAMED if k in kwargs]
    if old:
        warnings.warn("%s: the keyword argument names (flag_name, default_value, docstring) are "
                      "deprecated, use (name, default, help) instead." % where,
                      DeprecationWarning, stacklevel=3)
        for k in old:
            kwargs[_RENAMED[k]] = kwargs.pop(k)
    return kwargs


def _define(parser, name, default, help, flag_values, required=False, boolean=False,  # noqa: A002
            multi=False, short_name=None, module_name=None):
    flag_values = FLAGS if flag_values is None else flag_values
    flag = (MultiFlag if multi else Flag)(parser, name, default, help, short_name=short_name,
                                          boolean=boolean)
    holder = flag_values._define(flag, module_name)
    if required:
        mark_flag_as_required(name, flag_values)
    return holder


def DEFINE_string(name=None, default=None, help=None, flag_values=None, required=False,  # noqa: A002,N802
                  short_name=None, **kwargs):
    """``--name=<string>``; ``FLAGS.name`` is a ``str`` (or ``None`` as the default)."""
    kw = _renamed(dict(kwargs, name=name, default=default, help=help), "DEFINE_string")
    return _define(_Parser(), kw["name"], kw["default"], kw["help"], flag_values, required,
                   short_name=short_name, module_name=kw.get("module_name"))


def DEFINE_integer(name=None, default=None, help=None, lower_bound=None,  # noqa: A002,N802
                   upper_bound=None, flag_values=None, required=False, short_name=None,
                   **kwargs):
    """``--name=<int>`` (``0x10`` and ``0o17`` too), optionally within bounds."""
    kw = _renamed(dict(kwargs, name=name, default=default, help=help), "DEFINE_integer")
    return _define(_Integer(lower_bound, upper_bound), kw["name"], kw["default"], kw["help"],
                   flag_values, required, short_name=short_name,
                   module_name=kw.get("module_name"))


def DEFINE_float(name=None, default=None, help=None, lower_bound=None,  # noqa: A002,N802
                 upper_bound=None, flag_values=None, required=False, short_name=None,
                 **kwargs):
    """``--name=<float>``, optionally within bounds."""
    kw = _renamed(dict(kwargs, name=name, default=default, help=help), "DEFINE_float")
    return _define(_Float(lower_bound, upper_bound), kw["name"], kw["default"], kw["help"],
                   flag_values, required, short_name=short_name,
                   module_name=kw.get("module_name"))


def DEFINE_boolean(name=None, default=None, help=None, flag_values=None,  # noqa: A002,N802
                   module_name=None, required=False, short_name=None, **kwargs):
    """``--name`` / ``--noname`` / ``--name=false``; ``FLAGS.name`` is a ``bool``."""
    kw = _renamed(dict(kwargs, name=name, default=default, help=help), "DEFINE_boolean")
    return _define(_Boolean(), kw["name"], kw["default"], kw["help"], flag_values, required,
                   boolean=True, short_name=short_name, module_name=module_name)


DEFINE_bool = DEFINE_boolean


def DEFINE_enum(name, default, enum_values, help, flag_values=None, module_name=None,  # noqa: A002,N802
                required=False, short_name=None):
    """``--name=<one of enum_values>``."""
    return _define(_Enum(enum_values), name, default, help, flag_values, required,
                   short_name=short_name, module_name=module_name)


def DEFINE_list(name, default, help, flag_values=None, required=False,  # noqa: A002,N802
                short_name=None):
    """``--name=a,b,c``; ``FLAGS.name`` is ``["a", "b", "c"]``."""
    return _define(_List(), name, default, help, flag_values, required, short_name=short_name)


def DEFINE_multi_string(name, default, help, flag_values=None, required=False,  # noqa: A002,N802
                        short_name=None):
    """``--name=a --name=b``; ``FLAGS.name`` is ``["a", "b"]`` (the command line replaces the
    default list)."""
    return _define(_Parser(), name, default, help, flag_values, required, multi=True,
                   short_name=short_name)


def DEFINE_multi_integer(name, default, help, lower_bound=None, upper_bound=None,  # noqa: A002,N802
                         flag_values=None, required=False, short_name=None):
    """A repeatable integer flag (see :func:`DEFINE_multi_string`)."""
    return _define(_Integer(lower_bound, upper_bound), name, default, help, flag_values,
                   required, multi=True, short_name=short_name)


def DEFINE_multi_float(name, default, help, lower_bound=None, upper_bound=None,  # noqa: A002,N802
                       flag_values=None, required=False, short_name=None):
    """A repeatable float flag (see :func:`DEFINE_multi_string`)."""
    return _define(_Float(lower_bound, upper_bound), name, default, help, flag_values,
                   required, multi=True, short_name=short_name)


def mark_flag_as_required(flag_name, flag_values=None):
    """Parsing fails (``IllegalFlagValueError``) unless the flag then has a value."""
    flag_values = FLAGS if flag_values is None else flag_values
    flag_values._required.append(flag_name)


def mark_flags_as_required(flag_names, flag_values=None):
    for name in flag_names:
        mark_flag_as_required(name, flag_values)
