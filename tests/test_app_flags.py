"""tf.app.run and tf.flags (tf.app.flags): what TF1's MNIST tutorials start from.

Parsing rules, values, error classes and messages were checked against TF 2.21's
``tf.compat.v1.flags`` (absl) and ``tf.compat.v1.app.run``; the one deliberate difference
(reading a flag before any parse ignores unknown arguments, so it works in Jupyter) has its
own test.
"""

import os
import subprocess
import sys
import textwrap

import pytest

import minigraph as tf
from minigraph import flags as flags_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def FLAGS():  # noqa: N802 -- the name TF1 code gives it
    """A fresh registry, as ``tf.flags.FLAGS`` is when a script starts (parses on first use)."""
    return flags_module.FlagValues(parse_on_first_use=True)


def define_tutorial_flags(fv):
    """The flags of TF1's mnist_with_summaries / fully_connected_feed, and a few more kinds."""
    f = tf.app.flags
    f.DEFINE_string("data_dir", "/tmp/data", "Directory for storing input data", flag_values=fv)
    f.DEFINE_integer("max_steps", 2000, "Number of steps to run trainer.", flag_values=fv)
    f.DEFINE_float("learning_rate", 0.01, "Initial learning rate.", flag_values=fv)
    f.DEFINE_boolean("fake_data", False, "If true, uses fake data.", flag_values=fv)
    f.DEFINE_bool("verbose", True, "Print more.", flag_values=fv)
    f.DEFINE_enum("mode", "train", ["train", "eval"], "What to do.", flag_values=fv)
    f.DEFINE_list("hidden", ["128", "32"], "Layer sizes.", flag_values=fv)
    f.DEFINE_multi_string("tag", ["a"], "Tags.", flag_values=fv)
    f.DEFINE_string("model_dir", None, "No default.", flag_values=fv)


def test_namespaces_are_tf1s():
    assert tf.flags is tf.app.flags
    assert callable(tf.app.run)
    assert tf.flags.DEFINE_bool is tf.flags.DEFINE_boolean
    assert isinstance(tf.flags.FLAGS, tf.flags.FlagValues)
    for cls in ("DuplicateFlagError", "IllegalFlagValueError", "UnrecognizedFlagError"):
        assert issubclass(getattr(tf.flags, cls), tf.flags.Error)


def test_defaults_and_types(FLAGS):
    define_tutorial_flags(FLAGS)
    FLAGS.mark_as_parsed()
    assert FLAGS.data_dir == "/tmp/data"
    assert FLAGS.max_steps == 2000 and type(FLAGS.max_steps) is int
    assert FLAGS.learning_rate == 0.01 and type(FLAGS.learning_rate) is float
    assert FLAGS.fake_data is False and FLAGS.verbose is True
    assert FLAGS.mode == "train" and FLAGS.hidden == ["128", "32"] and FLAGS.tag == ["a"]
    assert FLAGS.model_dir is None
    assert FLAGS["max_steps"].default == 2000 and FLAGS["max_steps"].help.startswith("Number")


def test_parse_a_command_line(FLAGS):
    define_tutorial_flags(FLAGS)
    rest = FLAGS(["prog", "--max_steps=5", "--learning_rate", "0.5", "--nofake_data",
                  "-verbose", "pos", "--mode=eval", "--hidden=1,2, 3", "--tag=x", "--tag", "y",
                  "--", "--data_dir=q"])
    assert rest == ["prog", "pos", "--data_dir=q"]     # after "--" nothing is a flag
    assert (FLAGS.max_steps, FLAGS.learning_rate, FLAGS.fake_data, FLAGS.verbose) == \
        (5, 0.5, False, True)
    assert FLAGS.mode == "eval" and FLAGS.hidden == ["1", "2", "3"]
    assert FLAGS.tag == ["x", "y"]                     # the command line replaces the default
    assert FLAGS.data_dir == "/tmp/data"
    assert FLAGS["max_steps"].present == 1 and not FLAGS["max_steps"].using_default_value


@pytest.mark.parametrize("arg, value", [("--fake_data", True), ("--nofake_data", False),
                                        ("--fake_data=FALSE", False), ("--fake_data=t", True),
                                        ("--fake_data=0", False), ("-fake_data", True)])
def test_boolean_spellings(FLAGS, arg, value):
    define_tutorial_flags(FLAGS)
    assert FLAGS(["p", arg]) == ["p"]
    assert FLAGS.fake_data is value


def test_a_boolean_takes_no_separate_value(FLAGS):
    define_tutorial_flags(FLAGS)
    assert FLAGS(["p", "--fake_data", "false"]) == ["p", "false"]
    assert FLAGS.fake_data is True


def test_known_only_hands_unknown_flags_back(FLAGS):
    define_tutorial_flags(FLAGS)
    rest = FLAGS(["prog", "--max_steps=7", "-f", "kernel.json", "--unknown=3", "pos"],
                 known_only=True)
    assert rest == ["prog", "-f", "kernel.json", "--unknown=3", "pos"]
    assert FLAGS.max_steps == 7


@pytest.mark.parametrize("argv, error, message", [
    (["p", "--max_steps=abc"], "IllegalFlagValueError",
     "flag --max_steps=abc: invalid literal for int() with base 10: 'abc'"),
    (["p", "--mode=zzz"], "IllegalFlagValueError",
     "flag --mode=zzz: value should be one of <train|eval>"),
    (["p", "--learning_rate=x"], "IllegalFlagValueError",
     "flag --learning_rate=x: could not convert string to float: 'x'"),
    (["p", "--fake_data=maybe"], "IllegalFlagValueError",
     "flag --fake_data=maybe: ('Non-boolean argument to boolean flag', 'maybe')"),
    (["p", "--max_steps"], "Error", "Missing value for flag --max_steps"),
    (["p", "--unknown"], "UnrecognizedFlagError", "Unknown command line flag 'unknown'"),
    (["p", "--max_stepz=3"], "UnrecognizedFlagError",
     "Unknown command line flag 'max_stepz'. Did you mean: max_steps ?"),
])
def test_parse_errors_are_absls(FLAGS, argv, error, message):
    define_tutorial_flags(FLAGS)
    with pytest.raises(getattr(tf.flags, error)) as info:
        FLAGS(argv)
    assert type(info.value).__name__ == error
    assert str(info.value) == message


def test_bad_argv(FLAGS):
    with pytest.raises(TypeError, match="argv should be a tuple/list of strings"):
        FLAGS("prog --x")
    with pytest.raises(ValueError, match="must contain the program name"):
        FLAGS([])
    define_tutorial_flags(FLAGS)
    with pytest.raises(ValueError, match="--nofake_data=1 does not take an argument"):
        FLAGS(["p", "--nofake_data=1"])


@pytest.mark.parametrize("define, default, value", [
    ("DEFINE_float", 1, 1.0), ("DEFINE_boolean", "true", True), ("DEFINE_boolean", 1, True),
    ("DEFINE_boolean", None, None), ("DEFINE_list", "a,b", ["a", "b"]),
    ("DEFINE_integer", "0x10", 16), ("DEFINE_float", "1e-3", 0.001),
])
def test_defaults_are_parsed(FLAGS, define, default, value):
    getattr(tf.flags, define)("x", default, "help", flag_values=FLAGS)
    FLAGS.mark_as_parsed()
    assert FLAGS.x == value and type(FLAGS.x) is type(value)


@pytest.mark.parametrize("define, default, message", [
    ("DEFINE_string", 5, 'flag --x=5: flag value must be a string, found "<class \'int\'>"'),
    ("DEFINE_integer", True,
     "flag --x=True: Expect argument to be a string or int, found <class 'bool'>"),
    ("DEFINE_integer", 3.0,
     "flag --x=3.0: Expect argument to be a string or int, found <class 'float'>"),
    ("DEFINE_boolean", "yes", "flag --x=yes: ('Non-boolean argument to boolean flag', 'yes')"),
])
def test_bad_defaults_are_illegal_values(FLAGS, define, default, message):
    with pytest.raises(tf.flags.IllegalFlagValueError) as info:
        getattr(tf.flags, define)("x", default, "help", flag_values=FLAGS)
    assert str(info.value) == message


def test_bounds(FLAGS):
    tf.flags.DEFINE_integer("n", 5, "n", lower_bound=0, upper_bound=10, flag_values=FLAGS)
    tf.flags.DEFINE_float("rate", 0.5, "r", lower_bound=0, flag_values=FLAGS)
    with pytest.raises(tf.flags.IllegalFlagValueError,
                       match=r"flag --n=11: 11 is not an integer in the range \[0, 10\]"):
        FLAGS(["p", "--n=11"])
    with pytest.raises(tf.flags.IllegalFlagValueError,
                       match="flag --rate=-1: -1.0 is not a non-negative number"):
        FLAGS(["p", "--rate=-1"])


def test_enum_default_must_be_a_choice(FLAGS):
    with pytest.raises(tf.flags.IllegalFlagValueError,
                       match="flag --e=zz: value should be one of <a>"):
        tf.flags.DEFINE_enum("e", "zz", ["a"], "e", flag_values=FLAGS)


def test_defining_twice_is_an_error_as_in_tf1_and_del_undoes_a_definition(FLAGS):
    define_tutorial_flags(FLAGS)
    with pytest.raises(tf.flags.DuplicateFlagError) as info:
        tf.flags.DEFINE_string("data_dir", "x", "again", flag_values=FLAGS)
    assert str(info.value).startswith("The flag 'data_dir' is defined twice. First from ")
    assert str(info.value).endswith("Description from first occurrence: Directory for "
                                    "storing input data")
    del FLAGS.data_dir    # what a notebook cell run twice needs
    tf.flags.DEFINE_string("data_dir", "x", "again", flag_values=FLAGS)
    FLAGS.mark_as_parsed()
    assert FLAGS.data_dir == "x"


def test_tf1_keyword_names_still_work_with_a_warning(FLAGS):
    with pytest.warns(DeprecationWarning, match="flag_name, default_value, docstring"):
        tf.flags.DEFINE_integer(flag_name="old", default_value=3, docstring="old names",
                                flag_values=FLAGS)
    FLAGS.mark_as_parsed()
    assert FLAGS.old == 3 and FLAGS["old"].help == "old names"


def test_setting_unparsing_and_the_registry(FLAGS):
    define_tutorial_flags(FLAGS)
    FLAGS(["p", "--max_steps=3"])
    FLAGS.max_steps = 10
    assert FLAGS.max_steps == 10 and FLAGS["max_steps"].present == 1
    with pytest.raises(tf.flags.UnrecognizedFlagError, match="Unknown command line flag 'zz'"):
        FLAGS.zz = 3
    with pytest.raises(AttributeError):
        FLAGS.no_such_flag  # noqa: B018
    assert "data_dir" in FLAGS and "zz" not in FLAGS and len(FLAGS) == 9
    assert FLAGS.flag_values_dict()["max_steps"] == 10
    FLAGS.unparse_flags()
    assert not FLAGS.is_parsed()
    assert FLAGS["max_steps"].value == 2000 and FLAGS["max_steps"].present == 0
    FLAGS.mark_as_parsed()
    assert FLAGS.is_parsed() and FLAGS.max_steps == 2000


def test_an_unparsed_registry_without_implicit_parsing_refuses_reads():
    fv = tf.flags.FlagValues()
    tf.flags.DEFINE_integer("n", 1, "n", flag_values=fv)
    with pytest.raises(tf.flags.UnparsedFlagAccessError,
                       match="Trying to access flag --n before flags were parsed."):
        fv.n  # noqa: B018


def test_required_flags(FLAGS):
    tf.flags.DEFINE_string("out", None, "where", flag_values=FLAGS, required=True)
    with pytest.raises(tf.flags.IllegalFlagValueError,
                       match="flag --out=None: Flag --out must have a value other than None."):
        FLAGS(["p"])
    FLAGS(["p", "--out=/tmp/x"])
    assert FLAGS.out == "/tmp/x"


def test_first_read_parses_sys_argv(FLAGS, monkeypatch):
    define_tutorial_flags(FLAGS)
    monkeypatch.setattr(sys, "argv", ["train.py", "--max_steps=42"])
    assert not FLAGS.is_parsed()
    assert FLAGS.max_steps == 42 and FLAGS.is_parsed()


def test_first_read_in_jupyter_ignores_the_kernel_arguments(FLAGS, monkeypatch):
    """Deliberately not TF 1.5-1.15 (absl), which raised UnrecognizedFlagError: Unknown
    command line flag 'f' here; TF up to 1.4 ignored it, as minigraph does."""
    define_tutorial_flags(FLAGS)
    monkeypatch.setattr(sys, "argv", ["ipykernel_launcher.py", "-f", "/root/kernel-1.json"])
    assert FLAGS.data_dir == "/tmp/data" and FLAGS.max_steps == 2000


def test_flag_holder():
    fv = tf.flags.FlagValues()
    holder = tf.flags.DEFINE_integer("n", 1, "n", flag_values=fv)
    fv(["p", "--n=4"])
    assert (holder.name, holder.value, holder.default, holder.present) == ("n", 4, 1, True)


def test_help_text_lists_the_flags(FLAGS):
    define_tutorial_flags(FLAGS)
    text = str(FLAGS)
    assert "  --max_steps: Number of steps to run trainer.\n    (default: '2000')\n    " \
           "(an integer)" in text
    assert "  --[no]fake_data: If true, uses fake data.\n    (default: 'false')" in text
    assert "  --mode: <train|eval>: What to do." in text


def test_the_global_flags_parse_sys_argv_on_first_read(monkeypatch):
    FLAGS = tf.flags.FLAGS  # noqa: N806
    monkeypatch.setattr(sys, "argv", ["ipykernel_launcher.py", "-f", "k.json",
                                      "--test_global_steps=7"])
    tf.flags.DEFINE_integer("test_global_steps", 1, "steps")
    try:
        FLAGS.unparse_flags()
        assert FLAGS.test_global_steps == 7
    finally:
        del FLAGS.test_global_steps
        FLAGS.unparse_flags()


# ---------------------------------------------------------------------------- tf.app.run

def test_run_parses_calls_main_and_exits_with_its_value(monkeypatch):
    FLAGS = tf.flags.FLAGS  # noqa: N806
    tf.flags.DEFINE_integer("test_run_steps", 3, "steps")
    got = []

    def main(argv):
        got.append((argv, FLAGS.test_run_steps))
        return 3

    try:
        with pytest.raises(SystemExit) as info:
            tf.app.run(main=main, argv=["prog", "--test_run_steps=9", "extra", "-f", "x"])
        assert info.value.code == 3
        assert got == [(["prog", "extra", "-f", "x"], 9)]
        # argv=None is sys.argv; main=None is __main__.main
        monkeypatch.setattr(sys, "argv", ["prog2", "--test_run_steps=4"])
        monkeypatch.setattr(sys.modules["__main__"], "main", main, raising=False)
        with pytest.raises(SystemExit):
            tf.app.run()
        assert got[-1] == (["prog2"], 4)
    finally:
        del FLAGS.test_run_steps
        FLAGS.unparse_flags()


def test_run_fails_on_a_bad_value_of_a_known_flag():
    tf.flags.DEFINE_integer("test_run_bad", 3, "steps")
    try:
        with pytest.raises(tf.flags.IllegalFlagValueError):
            tf.app.run(main=lambda argv: 0, argv=["p", "--test_run_bad=x"])
    finally:
        del tf.flags.FLAGS.test_run_bad
        tf.flags.FLAGS.unparse_flags()


SCRIPT = textwrap.dedent("""\
    import sys
    import minigraph as tf

    flags = tf.app.flags
    flags.DEFINE_integer("steps", 3, "How many steps.")
    flags.DEFINE_boolean("fake_data", False, "Use fake data.")
    FLAGS = flags.FLAGS

    def main(argv):
        print("main", argv[1:], FLAGS.steps, FLAGS.fake_data)
        return {"none": None, "int": 3, "str": "bye"}[argv[-1]] if len(argv) > 1 else None

    if __name__ == "__main__":
        tf.app.run()
    """)


@pytest.mark.parametrize("args, status, out, err", [
    (["--steps=5", "--fake_data", "none"], 0, "main ['none'] 5 True\n", ""),
    (["int"], 3, "main ['int'] 3 False\n", ""),
    (["str"], 1, "main ['str'] 3 False\n", "bye\n"),
    (["--help"], 1, "--steps: How many steps.", ""),
])
def test_a_tutorial_script(tmp_path, args, status, out, err):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, str(script)] + args, capture_output=True, text=True,
                          env=env, cwd=str(tmp_path), timeout=120)
    assert proc.returncode == status, proc.stderr
    assert out in proc.stdout
    assert proc.stderr.endswith(err)
