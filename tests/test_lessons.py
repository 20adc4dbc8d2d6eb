"""Every lesson has the course's shape, and every ``tf.`` in it is real TF1 (issue 15).

Two kinds of rules, each test parametrized over ``lessons/*.ipynb``:

- **TF1 only behind ``tf.``.** Every ``tf.X.Y`` chain in any code cell is one of TF1's public
  names (minigraph/_tf1_names.py); every keyword of a call to a ``tf.`` callable is one TF1's
  callable accepts, and an attribute of a TF1 object (``sess`` from ``tf.Session()``, ``md``
  from ``tf.RunMetadata()``, ``model`` from ``tf.keras.models.Sequential(...)``, a graph, a
  variable, a tensor) is one TF1's object has (tests/tf_reference/tf1_signatures.json). Both
  files are written from real TensorFlow by tests/tf_reference/generate_tf1_names.py. ``tf``
  is only ever ``import minigraph as tf``, and Keras comes in as ``tf.keras``, never as
  ``minigraph.keras``. minigraph's own tools live outside ``tf.``: ``from minigraph import
  trace, lint, testing, viz``.
- **Shape.** Title cell (``# NN · Title``, saying that lines with ``tf.`` run on real
  TensorFlow 1) -> the core, ending with the ``## Check yourself`` cells (at most
  ``CORE_CELLS`` cells, not counting the graded exercises' answer and check cells, nbgrader
  ``solution`` or ``grade`` cells, of which the core holds at most ``CORE_GRADED``; and at
  most ``CORE_WORDS`` words of prose, every markdown cell counted) -> optionally
  ``## Going further`` -> ``## Graduation``: a markdown cell and the one code cell tagged
  ``graduation``, the lesson's TF1 program in one piece, the last code cell (``make test-tf``
  runs it on real TensorFlow). Each markdown cell at most ``CELL_LINES`` lines and ``CELL_WORDS`` words.

Words are ``re.findall(r"\\w+")`` over markdown with fenced ``` blocks removed. Every failure
names the lesson, the cell (its first line) and what to do. The checker itself is tested on
small synthetic notebooks at the end of this file.
"""

import ast
import difflib
import json
import re
import runpy
from collections import namedtuple
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
NOTEBOOKS = sorted(p for p in LESSONS.glob("*.ipynb") if not p.name.endswith(".nbconvert.ipynb"))

with open(ROOT / "tests" / "tf_reference" / "tf1_signatures.json") as _f:
    SIGNATURES = json.load(_f)
CALLABLES = SIGNATURES["callables"]
ATTRIBUTES = {name: set(attrs) for name, attrs in SIGNATURES["attributes"].items()}
OBJECTS = {name: set(attrs) for name, attrs in SIGNATURES["objects"].items()}
MODULES = set(SIGNATURES["modules"])
# read as data, without importing minigraph (whose API is not what is tested here)
NAMES = {space: set(words.split()) for space, words in
         runpy.run_path(str(ROOT / "minigraph" / "_tf1_names.py"))["NAMES"].items()}

CORE_CELLS = 25
CORE_GRADED = 8      # graded answer and check cells in the core, not counted in CORE_CELLS
CORE_WORDS = 800
CELL_LINES = 20
CELL_WORDS = 150

GRADUATION_TAG = "graduation"
TF_IMPORT = "import minigraph as tf"
#: minigraph's own tools: not in a graduation cell, which must run on real TensorFlow alone
COURSE_TOOLS = {"viz", "trace", "lint", "testing", "widgets", "checks", "display", "minigraph"}

TITLE = re.compile(r"^# (\d\d) · \S")
#: the title's statement, loosely: one sentence that names `tf.` and TensorFlow 1 (or TF1)
TF_LINE = (re.compile(r"`tf\.`|\btf\.\s"), re.compile(r"TensorFlow[ -]1\b|\bTF ?1\b"))
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n\s*\n")
CHECK, FURTHER, GRADUATION = "## Check yourself", "## Going further", "## Graduation"
FENCED = re.compile(r"^\s*```.*?^\s*```[^\n]*$", re.MULTILINE | re.DOTALL)

#: the TF1 objects a call returns (alias names are resolved first): their attributes are
#: checked against ``objects`` in tf1_signatures.json
RETURNS = {
    "tf.Session": "Session", "tf.InteractiveSession": "Session",
    "tf.get_default_session": "Session",
    "tf.RunMetadata": "RunMetadata", "tf.RunOptions": "RunOptions",
    "tf.Graph": "Graph", "tf.get_default_graph": "Graph",
    "tf.Variable": "Variable", "tf.get_variable": "Variable",
    "tf.global_variables_initializer": "Operation", "tf.variables_initializer": "Operation",
    "tf.group": "Operation", "tf.no_op": "Operation",
    "tf.keras.Sequential": "Model", "tf.keras.Model": "Model",
}
#: functions that return one Tensor (a short list on purpose: a list-returning function
#: taken for a Tensor would give false alarms)
RETURNS.update(("tf." + name, "Tensor") for name in """
    placeholder placeholder_with_default constant matmul add subtract multiply divide maximum
    minimum reduce_sum reduce_mean reduce_max reduce_min square sqrt exp log tanh sigmoid
    identity stop_gradient cast one_hot argmax equal where zeros ones zeros_like ones_like
    random_normal random_uniform truncated_normal reshape concat transpose nn.relu nn.softmax
    nn.log_softmax nn.conv2d nn.max_pool nn.sigmoid nn.bias_add layers.dense layers.conv2d
    layers.flatten layers.max_pooling2d layers.batch_normalization losses.mean_squared_error
    losses.softmax_cross_entropy losses.sparse_softmax_cross_entropy
    nn.softmax_cross_entropy_with_logits_v2 nn.sparse_softmax_cross_entropy_with_logits
    summary.scalar summary.histogram""".split())
#: (object, attribute) -> the TF1 object the attribute is
ATTRIBUTE_RETURNS = {
    ("Tensor", "op"): "Operation", ("Tensor", "graph"): "Graph",
    ("Variable", "op"): "Operation", ("Variable", "graph"): "Graph",
    ("Variable", "initializer"): "Operation", ("Operation", "graph"): "Graph",
    ("Session", "graph"): "Graph",
}
#: (object, method) -> the TF1 object the method returns
METHOD_RETURNS = {
    ("Graph", "as_default"): "Graph",            # `with g.as_default() as g2:` is g
    ("Session", "as_default"): "Session",
    ("Graph", "get_operation_by_name"): "Operation",
    ("Graph", "get_tensor_by_name"): "Tensor",
}

Problem = namedtuple("Problem", "rule text")
TO_TF1 = ("write it as TF1 does, or use minigraph's own tools outside `tf.` "
          "(`from minigraph import trace, lint, testing`)")
#: what minigraph's former `tf.` extras are now (ISSUE15_SPEC.md, "The API that leaves the
#: tf. namespace"): the advice a failure gives instead of TO_TF1
MOVED = {
    "tf.orphans": "use lint.orphans(graph) (`from minigraph import lint`)",
    "tf.lint": "use minigraph's lint (`from minigraph import lint`; lint.dead_update_message, "
               "lint.dead_updates)",
    "tf.testing": "use testing.check_gradients (`from minigraph import testing`)",
    "tf.summary.read_events": "use `from minigraph.events import read_events`",
    "Session.run_steps": "use trace.run_steps(sess, fetches, feed_dict) "
                         "(`from minigraph import trace`)",
    "Session.describe_plan": "use trace.describe_plan(sess, fetches, feed_dict) "
                             "(`from minigraph import trace`)",
    "RunMetadata.trace": "use trace.of(md) (`from minigraph import trace`), or "
                         "trace.traced_run(sess, fetches)",
    "tf.RunOptions(keep_values)": "use trace.traced_run(sess, fetches, feed_dict, "
                                  "keep_values=True) (`from minigraph import trace`)",
}


def advice(*keys):
    """MOVED's advice for the first key it has, else TO_TF1."""
    return next((MOVED[k] for k in keys if k in MOVED), TO_TF1)


def first_line(cell):
    lines = cell.source.strip().splitlines()
    return repr(lines[0][:70]) if lines else "(empty cell)"


def at(lesson, index, cell, line=None):
    """Where a problem is: the lesson, the cell by number and first line, the line."""
    text = "%s, cell %d %s" % (lesson, index + 1, first_line(cell))
    return text + (", line %d" % line if line else "")


def python_of(cell):
    """A code cell's source as plain Python: IPython magics and ``!`` lines become calls
    (as IPython itself does: a line starting ``%`` inside brackets stays the operator)."""
    return TransformerManager().transform_cell(cell.source)


def markdown_words(source):
    return re.findall(r"\w+", FENCED.sub("", source))


def tags(cell):
    return cell.metadata.get("tags", [])


def is_graded(cell):
    """A graded exercise's answer or check cell: nbgrader ``solution`` or ``grade`` true."""
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("solution") or meta.get("grade"))


# --- TF1 names, keywords and objects ----------------------------------------------------

def chain_of(node):
    """``tf.a.b.c`` -> ["a", "b", "c"]; None if the node is not an attribute chain on tf."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == "tf" and parts:
        return parts[::-1]
    return None


def canonical(full):
    entry = CALLABLES.get(full)
    while entry is not None and "alias" in entry:
        full = entry["alias"]
        entry = CALLABLES.get(full)
    return full, entry


def resolve(parts):
    """(member, rest, problem): ``tf.RunOptions.FULL_TRACE`` -> ("tf.RunOptions",
    ["FULL_TRACE"], None); a namespace alone is its own member with no rest."""
    space = ""
    for i, name in enumerate(parts):
        full = ".".join(["tf"] + parts[:i + 1])
        if name not in NAMES.get(space, ()):
            owner = "tf." + space if space else "tf"
            return None, None, ("%s is not TF1: TF1's %s has no name %r" % (full, owner, name))
        inner = "%s.%s" % (space, name) if space else name
        if inner in NAMES:
            space = inner
            continue
        rest = parts[i + 1:]
        if full in MODULES and rest:
            return None, None, (
                "the names of TF1's %s are not recorded: add %r to NAMESPACES (or TF1_ONLY) "
                "in tests/tf_reference/generate_tf1_names.py and run it" % (full, inner))
        return full, rest, None
    return "tf." + space, [], None


def attribute_problem(member, attr):
    """Whether TF1's ``member`` (e.g. "tf.GraphKeys") has attribute ``attr``."""
    if attr.startswith("__"):
        return None
    attrs = ATTRIBUTES.get(member)
    if attrs is None:
        entry = canonical(member)[1]
        if entry is not None and entry.get("kind") == "function":
            attrs = set()   # a function has no public attributes
    if attrs is None:
        return ("the attributes of TF1's %s are not recorded in tf1_signatures.json: record "
                "them in tests/tf_reference/generate_tf1_names.py" % member)
    if attr not in attrs:
        return "TF1's %s has no attribute %r" % (member, attr)
    return None


class TF1Checker(ast.NodeVisitor):
    """Walks a notebook's code cells in order, as the kernel runs them, keeping track of the
    names bound to TF1 objects (``sess = tf.Session()``), and collects problems."""

    def __init__(self, lesson):
        self.lesson = lesson
        self.env = {}        # name -> TF1 object kind ("Session", "Model", ...)
        self.makers = {}     # a function's name -> the TF1 object kind it always returns
        self.returns = []    # per function being visited: the kinds its returns give
        self.problems = []
        self.where = None

    def check(self, index, cell):
        self.where = (index, cell)
        try:
            tree = ast.parse(python_of(cell))
        except SyntaxError as e:
            self.report("syntax", e.lineno, "the cell is not valid Python (%s): fix it" % e.msg)
            return
        for statement in tree.body:
            self.visit(statement)

    def report(self, rule, line, text):
        index, cell = self.where
        self.problems.append(Problem(rule, "%s: %s" % (at(self.lesson, index, cell, line), text)))

    # what an expression is --------------------------------------------------------------
    def kind_of(self, node):
        if isinstance(node, ast.Name):
            return self.env.get(node.id)
        if isinstance(node, ast.Attribute):
            return ATTRIBUTE_RETURNS.get((self.kind_of(node.value), node.attr))
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                return self.makers.get(node.func.id)    # def new_session(): return tf.Session()
            parts = chain_of(node.func)
            if parts is not None:
                member, rest, problem = resolve(parts)
                if problem or rest:
                    return None
                return RETURNS.get(member) or RETURNS.get(canonical(member)[0])
            if isinstance(node.func, ast.Attribute):
                return METHOD_RETURNS.get((self.kind_of(node.func.value), node.func.attr))
        return None

    def bind(self, target, kind):
        if isinstance(target, ast.Name):
            self.makers.pop(target.id, None)
            if kind is None:
                self.env.pop(target.id, None)
            else:
                self.env[target.id] = kind
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind(element, None)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, None)

    # statements that bind names ---------------------------------------------------------
    def visit_Assign(self, node):
        self.visit(node.value)
        kind = self.kind_of(node.value)
        for target in node.targets:
            self.visit(target)
            self.bind(target, kind)

    def visit_AnnAssign(self, node):
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.target)
        self.bind(node.target, self.kind_of(node.value) if node.value is not None else None)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        self.bind(node.target, None)

    def visit_With(self, node):
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.visit(item.optional_vars)
                self.bind(item.optional_vars, self.kind_of(item.context_expr))
        for statement in node.body:
            self.visit(statement)

    def visit_For(self, node):
        self.visit(node.iter)
        self.bind(node.target, None)
        for statement in node.body + node.orelse:
            self.visit(statement)

    def visit_FunctionDef(self, node):
        for expr in getattr(node, "decorator_list", []) + node.args.defaults + \
                [d for d in node.args.kw_defaults if d is not None]:
            self.visit(expr)
        saved = dict(self.env)
        args = node.args
        for arg in args.posonlyargs + args.args + args.kwonlyargs + \
                [a for a in (args.vararg, args.kwarg) if a is not None]:
            self.env.pop(arg.arg, None)
        self.returns.append([])
        if isinstance(node, ast.Lambda):
            self.visit(node.body)
            self.returns[-1].append(self.kind_of(node.body))
        else:
            for statement in node.body:
                self.visit(statement)
        kinds = set(self.returns.pop())
        self.env = saved
        if not isinstance(node, ast.Lambda):
            self.bind(ast.Name(id=node.name), None)
            if len(kinds) == 1 and None not in kinds:
                self.makers[node.name] = kinds.pop()

    def visit_Return(self, node):
        if node.value is not None:
            self.visit(node.value)
        if self.returns:
            self.returns[-1].append(self.kind_of(node.value) if node.value is not None
                                    else None)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_ListComp(self, node):
        saved = dict(self.env)   # a comprehension's names are its own
        for generator in node.generators:
            self.visit(generator.iter)
            self.bind(generator.target, None)
            for condition in generator.ifs:
                self.visit(condition)
        for part in ("elt", "key", "value"):
            if hasattr(node, part):
                self.visit(getattr(node, part))
        self.env = saved

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp

    def visit_Import(self, node):
        for alias in node.names:
            self.env.pop((alias.asname or alias.name).partition(".")[0], None)

    def visit_ImportFrom(self, node):
        for alias in node.names:
            self.env.pop(alias.asname or alias.name, None)

    # the checks -------------------------------------------------------------------------
    def visit_Attribute(self, node):
        parts = chain_of(node)
        if parts is not None:
            member, rest, problem = resolve(parts)
            if problem is None and rest:
                problem = attribute_problem(member, rest[0])
            if problem:
                prefixes = [".".join(["tf"] + parts[:i]) for i in range(len(parts), 0, -1)]
                self.report("names", node.lineno, "%s; %s." % (problem, advice(*prefixes)))
            return   # the rest of the chain is part of this one
        kind = self.kind_of(node.value)
        if kind is not None and isinstance(node.ctx, ast.Load) and \
                not node.attr.startswith("__") and node.attr not in OBJECTS[kind]:
            attrs = sorted(OBJECTS[kind])
            if len(attrs) <= 20:
                known = "its attributes: " + ", ".join(attrs)
            else:
                close = difflib.get_close_matches(node.attr, attrs, n=5, cutoff=0.5)
                known = ("close ones: %s; " % ", ".join(close) if close else "") + \
                    "all of them: objects.%s in tests/tf_reference/tf1_signatures.json" % kind
            self.report("objects", node.lineno, "%s.%s: TF1's %s has no attribute %r (%s); %s."
                        % (ast.unparse(node.value), node.attr, kind, node.attr, known,
                           advice("%s.%s" % (kind, node.attr))))
        self.visit(node.value)

    def visit_Call(self, node):
        parts = chain_of(node.func)
        if parts is not None and any(k.arg for k in node.keywords):
            member, rest, problem = resolve(parts)
            if problem is None and not rest:
                self.check_keywords(node, member)
        self.generic_visit(node)

    def check_keywords(self, node, member):
        name, entry = canonical(member)
        if entry is None:
            self.report("keywords", node.lineno, (
                "TF1's signature of %s is not recorded in tf1_signatures.json, so its keywords "
                "cannot be checked: add it (TF1_SIGNATURES in "
                "tests/tf_reference/generate_tf1_names.py, citing TF 1.x's source)" % member))
            return
        params = set(entry["params"])
        if entry["kwargs"]:
            if "known_kwargs" not in entry:
                return
            params |= set(entry["known_kwargs"])
        for keyword in node.keywords:
            if keyword.arg is not None and keyword.arg not in params:
                self.report("keywords", node.lineno, (
                    "%s(%s=...): TF1's %s takes no keyword %r; its keywords are: %s. Use one "
                    "of them, or %s." % (member, keyword.arg, member, keyword.arg,
                                         ", ".join(sorted(params)) or "(none)",
                                         advice("%s(%s)" % (member, keyword.arg)))))


def code_problems(lesson, nb):
    checker = TF1Checker(lesson)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            checker.check(index, cell)
    return checker.problems


def import_problems(lesson, nb):
    """``tf`` is only ever ``import minigraph as tf``; no ``minigraph.keras`` imports."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(python_of(cell))
        except SyntaxError:
            continue   # code_problems reports it
        for node in ast.walk(tree):
            here = at(lesson, index, cell, getattr(node, "lineno", None))
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = getattr(node, "module", None) or ""
                for alias in node.names:
                    full = module + "." + alias.name if module else alias.name
                    if isinstance(node, ast.ImportFrom) and node.level:
                        full = "." + full
                    if full.startswith("minigraph.keras"):
                        problems.append(Problem("imports", (
                            "%s: imports %s; Keras comes in as TF1 spells it: "
                            "tf.keras.models.Sequential, tf.keras.layers.Dense, "
                            "tf.keras.optimizers.SGD" % (here, full))))
                    if (alias.asname or alias.name) == "tf" and not (
                            isinstance(node, ast.Import) and alias.name == "minigraph"):
                        problems.append(Problem("imports", (
                            "%s: binds tf to %s; `tf` is only ever `import minigraph as tf`"
                            % (here, full))))
            elif isinstance(node, ast.Name) and node.id == "tf" and \
                    isinstance(node.ctx, (ast.Store, ast.Del)):
                problems.append(Problem("imports", (
                    "%s: assigns to tf; `tf` is only ever `import minigraph as tf`: "
                    "use another name" % here)))
    return problems


# --- the lesson's shape -----------------------------------------------------------------

def heading(cell):
    if cell.cell_type != "markdown":
        return ""
    lines = cell.source.strip().splitlines()
    return lines[0].strip() if lines else ""


def structure_problems(lesson, nb):
    problems = []
    cells = nb.cells

    def say(rule, index, text):
        where = at(lesson, index, cells[index]) if index is not None else lesson
        problems.append(Problem(rule, "%s: %s" % (where, text)))

    if not cells:
        say("order", None, "the notebook is empty")
        return problems

    # the title
    title = cells[0]
    match = TITLE.match(heading(title))
    if not match:
        say("title", 0, "the first cell must be the markdown title '# NN · Title' "
                        "(NN the lesson's number, then a middle dot)")
    elif not lesson.startswith(match.group(1)):
        say("title", 0, "the title's number %s is not the lesson's (%s)"
                        % (match.group(1), lesson[:2]))
    if title.cell_type == "markdown" and not any(
            all(p.search(sentence) for p in TF_LINE)
            for sentence in SENTENCE_END.split(title.source)):
        say("title", 0, "the title cell must say that lines with `tf.` run on real TensorFlow 1 "
                        "(`import tensorflow.compat.v1 as tf`) and that minigraph, viz, trace, "
                        "lint, testing and the widgets are this course's tools")

    # the sections, in order
    def starts(prefix):
        return [i for i, c in enumerate(cells) if heading(c).startswith(prefix)]

    check, further, graduation = starts(CHECK), starts(FURTHER), starts(GRADUATION)
    for found, prefix, what in ((check, CHECK, "the core's last section"),
                                (graduation, GRADUATION, "the last section")):
        if not found:
            say("order", None, "no markdown cell starting %r (%s): add it" % (prefix, what))
        elif len(found) > 1:
            say("order", found[1], "a second %r cell: there is one" % prefix)
    if len(further) > 1:
        say("order", further[1], "a second %r cell: put all side topics under the first, each "
                                 "under its own '### ...' heading" % FURTHER)
    if check and further and further[0] < check[0]:
        say("order", further[0], "%r comes before %r: the side topics go after the core's "
                                 "check-yourself" % (FURTHER, CHECK))
    if graduation and further and graduation[0] < further[0]:
        say("order", graduation[0], "%r comes before %r: graduation is the last section"
                                    % (GRADUATION, FURTHER))
    if check and graduation and graduation[0] < check[0]:
        say("order", graduation[0], "%r comes before %r: graduation is the last section"
                                    % (GRADUATION, CHECK))

    # the core: from the title through the check-yourself cells
    ends = [i for i in further[:1] + graduation[:1] if not check or i > check[0]]
    core_end = min(ends) if ends else len(cells)
    if check:
        for i in range(check[0] + 1, core_end):
            if heading(cells[i]).startswith("## "):
                say("order", i, "a section after %r: the check-yourself ends the core; move "
                                "this under %r (after the check) or before the check"
                                % (CHECK, FURTHER))
    core = cells[:core_end]
    graded = [c for c in core if is_graded(c)]
    if len(core) - len(graded) > CORE_CELLS:
        say("size", None, "the core (title through the check-yourself) has %d cells besides its "
                          "%d graded answer and check cells, at most %d allowed: move side "
                          "topics under %r or cut repetition"
                          % (len(core) - len(graded), len(graded), CORE_CELLS, FURTHER))
    if len(graded) > CORE_GRADED:
        say("size", None, "the core has %d graded answer and check cells (nbgrader solution or "
                          "grade cells), at most %d allowed: at most 4 exercises of an answer "
                          "and a check cell each" % (len(graded), CORE_GRADED))
    words = sum(len(markdown_words(c.source)) for c in core if c.cell_type == "markdown")
    if words > CORE_WORDS:
        say("size", None, "the core's markdown has %d words, at most %d allowed: shorten the "
                          "prose or move side topics under %r" % (words, CORE_WORDS, FURTHER))
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        lines = len(cell.source.rstrip().splitlines())
        words = len(markdown_words(cell.source))
        if lines > CELL_LINES or words > CELL_WORDS:
            say("size", i, "a markdown cell of %d lines and %d words, at most %d and %d allowed "
                           "(shorter than a screen): split or shorten it"
                           % (lines, words, CELL_LINES, CELL_WORDS))

    # the graduation cell
    tagged = [i for i, c in enumerate(cells) if c.cell_type == "code" and
              GRADUATION_TAG in tags(c)]
    codes = [i for i, c in enumerate(cells) if c.cell_type == "code"]
    if not tagged:
        say("graduation", None, "no code cell tagged %r: add the lesson's TF1 program in one "
                                "piece, after the %r markdown cell" % (GRADUATION_TAG, GRADUATION))
    elif len(tagged) > 1:
        say("graduation", tagged[1], "a second cell tagged %r: there is exactly one"
                                     % GRADUATION_TAG)
    else:
        cell_index = tagged[0]
        if cell_index != codes[-1]:
            say("graduation", cell_index, "the cell tagged %r is not the last code cell: move "
                                          "it to the end" % GRADUATION_TAG)
        if graduation and not (graduation[0] < cell_index and
                               not any(graduation[0] < i < cell_index for i in codes)):
            say("graduation", cell_index, "the cell tagged %r must come right after the %r "
                                          "markdown cell (no other code between)"
                                          % (GRADUATION_TAG, GRADUATION))
        problems.extend(graduation_cell_problems(lesson, cell_index, cells[cell_index]))
    if graduation and "compat.v1" not in cells[graduation[0]].source:
        say("graduation", graduation[0], "say that the block below runs unchanged on "
                                         "`tensorflow.compat.v1` (`make test-tf` checks it)")
    return problems


def graduation_cell_problems(lesson, index, cell):
    problems = []

    def say(line, text):
        problems.append(Problem("graduation", "%s: %s" % (at(lesson, index, cell, line), text)))

    lines = cell.source.splitlines()
    if TF_IMPORT not in (line.strip() for line in lines):
        say(None, "the graduation cell must hold the line %r exactly (make test-tf swaps it for "
                  "`import tensorflow.compat.v1 as tf`)" % TF_IMPORT)
    for number, line in enumerate(lines, 1):
        if re.match(r"\s*[%!]", line):
            say(number, "IPython magic or shell line: the graduation cell is plain Python")
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as e:
        say(e.lineno, "not plain Python (%s)" % e.msg)
        return problems
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            say(node.lineno, "from %s import ...: the graduation cell imports only "
                             "`import numpy as np` and `%s`" % (node.module, TF_IMPORT))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.name, alias.asname) not in (("numpy", "np"), ("minigraph", "tf")):
                    say(node.lineno, "import %s: the graduation cell imports only "
                                     "`import numpy as np` and `%s`" % (alias.name, TF_IMPORT))
        elif isinstance(node, ast.Name) and node.id in COURSE_TOOLS:
            say(node.lineno, "uses %s, one of this course's tools: the graduation cell is TF1 "
                             "code only (no widgets, viz or trace)" % node.id)
    return problems


class Problems(list):
    """A lesson's problems; shown short when pytest prints a failing test's arguments."""

    def __repr__(self):
        return "<%d problems>" % len(self)


@lru_cache(maxsize=None)
def lesson_problems(path):
    path = Path(path)
    nb = nbformat.read(str(path), as_version=4)
    return Problems(code_problems(path.name, nb) + import_problems(path.name, nb) +
                    structure_problems(path.name, nb))


def assert_none(problems, rules, what):
    found = [p.text for p in problems if p.rule in rules]
    shown = found[:40] + (["... and %d more" % (len(found) - 40)] if len(found) > 40 else [])
    assert not found, "%d problem(s) with %s:\n  %s" % (len(found), what, "\n  ".join(shown))


# --- the lessons ------------------------------------------------------------------------

def test_there_are_lessons():
    assert NOTEBOOKS, "no notebooks found in %s" % LESSONS


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def problems(request):
    return lesson_problems(str(request.param))


#: each rule the lessons are held to: the problems' kinds, and what a failure calls them
RULES = {
    "tf_names_are_tf1": ({"names", "syntax"}, "`tf.` names that are not TF1's"),
    "tf_keywords_are_tf1": ({"keywords"}, "keywords TF1's callables do not take"),
    "tf1_objects_have_only_tf1_attributes": ({"objects"}, "attributes TF1's objects do not have"),
    "tf_is_minigraph_and_keras_is_tf_keras": ({"imports"}, "imports"),
    "title_says_tf_lines_are_tf1": ({"title"}, "the title cell"),
    "sections_in_order": ({"order"},
                          "the order title -> core -> going further -> graduation"),
    "core_and_cells_are_short": ({"size"}, "sizes"),
    "graduation_cell": ({"graduation"}, "the graduation cell"),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_lesson_follows(problems, rule):
    assert_none(problems, *RULES[rule])


# --- the checker itself, on small synthetic notebooks ------------------------------------

def _md(text):
    return nbformat.v4.new_markdown_cell(text)


def _code(text, *cell_tags):
    cell = nbformat.v4.new_code_cell(text)
    if cell_tags:
        cell.metadata["tags"] = list(cell_tags)
    return cell


GOOD_GRADUATION = """\
import numpy as np
import minigraph as tf

rng = np.random.RandomState(0)
x = tf.placeholder(tf.float32, shape=(None, 3))
w = tf.Variable(rng.randn(3, 2).astype(np.float32))
loss = tf.reduce_sum(tf.nn.relu(tf.matmul(x, w)) ** 2)
step = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(3):
        value, _ = sess.run([loss, step], feed_dict={x: rng.randn(4, 3)})
        print("%.4f" % value)
"""


def _good_cells():
    return [
        _md("# 99 · A tiny lesson\n\nIn this lesson you will run a graph. Lines with `tf.` run "
            "on real TensorFlow 1 (`import tensorflow.compat.v1 as tf`); `minigraph`, `viz` "
            "and `trace` are this course's tools."),
        _code("%matplotlib inline\nimport numpy as np\nimport minigraph as tf\n"
              "from minigraph import trace, viz\n"
              "print('%d'\n      % 3)"),
        _code("x = tf.placeholder(tf.float32, shape=[None, 3], name='x')\n"
              "md = tf.RunMetadata()\n"
              "opts = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)\n"
              "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
              "init = tf.contrib.layers.xavier_initializer(uniform=False)\n"
              "model = tf.keras.models.Sequential()\n"
              "model.add(tf.keras.layers.Dense(4, input_shape=(3,), name='d'))\n"
              "model.compile(optimizer=tf.keras.optimizers.SGD(lr=0.1), loss='mse')\n"
              "with tf.Session() as sess:\n"
              "    y = sess.run(x, feed_dict={x: [[1, 2, 3]]}, options=opts, run_metadata=md)\n"
              "    print(md.step_stats, x.op.name, sess.graph.get_operations())\n"
              "    results, tr = trace.traced_run(sess, x, keep_values=True)\n"
              "def f(sess):\n"
              "    return sess.run_steps   # a parameter, not the Session above\n"
              "g = lambda sess: sess.run_steps\n"
              "def maybe(flag):\n"
              "    if flag:\n"
              "        return tf.Session()\n"
              "    return 3\n"
              "maybe(0).run_steps\n"
              "h = [sess.run_steps for sess in [1]] + [x.std() for x in range(2)]\n"
              "sess = None\n"
              "sess.anything"),
        _md("## Check yourself\n\nWhat does `sess.run` compute?"),
        _code("print('answer')"),
        _md("## Going further\n\n### A side topic\n\nMore."),
        _code("print(tf.float32.as_numpy_dtype)"),
        _md("## Graduation\n\nThe lesson's TF1 code in one piece; it runs unchanged on "
            "`tensorflow.compat.v1` (`make test-tf` checks it)."),
        _code(GOOD_GRADUATION, GRADUATION_TAG),
    ]


def _problems(cells, name="99_tiny.ipynb"):
    nb = nbformat.v4.new_notebook(cells=cells)
    return code_problems(name, nb) + import_problems(name, nb) + structure_problems(name, nb)


def _with(index, source, cells=None):
    cells = cells or _good_cells()
    cells[index] = _code(source) if cells[index].cell_type == "code" else _md(source)
    return cells


def test_checker_passes_a_good_lesson():
    assert _problems(_good_cells()) == []


def test_checker_passes_the_good_cells_without_going_further():
    cells = _good_cells()
    del cells[5:7]
    assert _problems(cells) == []


@pytest.mark.parametrize("source, rule, says", [
    ("opts = tf.RunOptions(keep_values=True)", "keywords",
     ["cell 3 'opts = tf.RunOptions(keep_values=True)', line 1",
      "TF1's tf.RunOptions takes no keyword 'keep_values'", "trace_level", "timeout_in_ms",
      "use trace.traced_run(sess, fetches, feed_dict, keep_values=True)"]),
    ("tf.placeholder(tf.float32, shap=[2])", "keywords", ["no keyword 'shap'"]),
    ("tf.keras.layers.Dense(3, input_shap=(2,))", "keywords", ["no keyword 'input_shap'"]),
    ("tf.orphans()", "names", ["tf.orphans is not TF1: TF1's tf has no name 'orphans'",
                               "use lint.orphans(graph)"]),
    ("tf.lint.dead_updates()", "names", ["tf.lint is not TF1", "from minigraph import lint"]),
    ("tf.estimater.Estimator", "names", ["TF1's tf has no name 'estimater'",
                                         "write it as TF1 does"]),
    ("tf.summary.read_events('logs')", "names",
     ["tf.summary.read_events is not TF1: TF1's tf.summary has no name 'read_events'",
      "from minigraph.events import read_events"]),
    ("x = tf.RunOptions.KEEP_VALUES", "names", ["TF1's tf.RunOptions has no attribute "
                                                "'KEEP_VALUES'"]),
    ("x = tf.GraphKeys.UPDATE_OP", "names", ["TF1's tf.GraphKeys has no attribute"]),
    ("x = tf.nn.relu.trace", "names", ["TF1's tf.nn.relu has no attribute 'trace'"]),
    ("x = tf.contrib.rnn.LSTMCell", "names", ["the names of TF1's tf.contrib.rnn are not "
                                              "recorded"]),
    ("with tf.Session() as sess:\n    sess.run_steps(x)", "objects",
     ["line 2", "sess.run_steps: TF1's Session has no attribute 'run_steps'",
      "use trace.run_steps(sess, fetches, feed_dict)"]),
    ("def new_session():\n    sess = tf.Session()\n    return sess\n"
     "with new_session() as s:\n    s.run_steps(x)", "objects",
     ["line 5", "s.run_steps: TF1's Session has no attribute 'run_steps'"]),
    ("sess = tf.InteractiveSession()\nsess.describe_plan(x)", "objects",
     ["TF1's Session has no attribute 'describe_plan'"]),
    ("md = tf.RunMetadata()\nprint(md.trace.ran(x))", "objects",
     ["md.trace: TF1's RunMetadata has no attribute 'trace'", "use trace.of(md)"]),
    ("model = tf.keras.models.Sequential()\nmodel.fit_one(x)", "objects",
     ["TF1's Model has no attribute 'fit_one'"]),
    ("with tf.Graph().as_default() as g:\n    g.orphans()", "objects",
     ["TF1's Graph has no attribute 'orphans'"]),
    ("y = tf.placeholder(tf.float32)\ny.op.trace", "objects",
     ["y.op.trace: TF1's Operation has no attribute 'trace'"]),
    ("from minigraph.keras.models import Sequential", "imports",
     ["imports minigraph.keras.models.Sequential", "tf.keras.models.Sequential"]),
    ("import minigraph.keras", "imports", ["imports minigraph.keras"]),
    ("import tensorflow as tf", "imports", ["binds tf to tensorflow"]),
    ("from minigraph import viz as tf", "imports", ["binds tf to minigraph.viz"]),
    ("tf = 3", "imports", ["assigns to tf"]),
    ("print(1", "syntax", ["not valid Python"]),
])
def test_checker_flags_code(source, rule, says):
    problems = _problems(_with(2, source))
    assert [p.rule for p in problems] == [rule], problems
    for fragment in says:
        assert fragment in problems[0].text, problems[0].text
    assert problems[0].text.startswith("99_tiny.ipynb, cell 3 ")


def test_checker_flags_a_long_core():
    cells = _good_cells()
    cells[3:3] = [_code("print(%d)" % i) for i in range(26 - 5)]   # 26 cells in the core
    problems = _problems(cells)
    assert [p.rule for p in problems] == ["size"], problems
    assert "the core (title through the check-yourself) has 26 cells besides its 0 graded " \
        "answer and check cells, at most 25" in problems[0].text
    del cells[3]
    assert _problems(cells) == []                                   # 25 is fine


def _graded(text, **nbgrader):
    cell = _code(text)
    cell.metadata["nbgrader"] = dict({"grade": False, "solution": False, "locked": False,
                                      "schema_version": 3, "task": False}, **nbgrader)
    return cell


def test_checker_does_not_count_graded_cells_in_the_core():
    cells = _good_cells()
    cells[3:3] = [_code("print(%d)" % i) for i in range(25 - 5)]   # 25 cells in the core
    for i in range(4):                                              # and 4 exercises
        cells[4:4] = [_graded("x%d = 1" % i, solution=True, grade_id="99-x%d-answer" % i),
                      _graded("assert x%d" % i, grade=True, locked=True, points=1,
                              grade_id="99-x%d-check" % i)]
    assert _problems(cells) == []
    cells.insert(4, _graded("x = 1", solution=True, grade_id="99-x-answer"))   # 9 graded
    problems = _problems(cells)
    assert [p.rule for p in problems] == ["size"], problems
    assert "the core has 9 graded answer and check cells" in problems[0].text
    cells[4] = _graded("x = 1", grade_id="99-x-given", locked=True)  # read-only: it counts
    problems = _problems(cells)
    assert [p.rule for p in problems] == ["size"], problems
    assert "has 26 cells besides its 8 graded answer and check cells, at most 25" \
        in problems[0].text


def test_checker_counts_words_without_fenced_code():
    cells = _good_cells()
    prose = " ".join(["word"] * 140)
    block = "```python\n" + "many more words here\n" * 10 + "```"
    cells.insert(1, _md("Prose.\n\n" + prose + "\n\n" + block))
    assert _problems(cells) == []
    cells[1:1] = [_md(prose) for _ in range(5)]         # 5 x 140 + 141 + title > 800 words
    problems = _problems(cells)
    assert [p.rule for p in problems] == ["size"], problems
    assert "the core's markdown has" in problems[0].text and "at most 800" in problems[0].text


@pytest.mark.parametrize("text, says", [
    ("\n".join(["line"] * 20), "a markdown cell of 21 lines and 22 words, at most 20 and 150"),
    (" ".join(["word"] * 149), "a markdown cell of 2 lines and 151 words"),
])
def test_checker_flags_a_long_markdown_cell(text, says):
    problems = _problems(_with(5, "## Going further\n" + text))
    assert [p.rule for p in problems] == ["size"], problems
    assert problems[0].text.startswith("99_tiny.ipynb, cell 6 '## Going further': " + says)


def test_checker_passes_a_markdown_cell_at_the_limits():
    assert _problems(_with(5, "## Going further\n" + "\n".join(["line"] * 19))) == []
    assert _problems(_with(5, "## Going further\n\n" + " ".join(["word"] * 148))) == []


@pytest.mark.parametrize("edit, rule, says", [
    (lambda c: c.pop(0), "title", "the first cell must be the markdown title"),
    (lambda c: c.__setitem__(0, _md("# 99 · Tiny\n\nIn this lesson you will run a graph.")),
     "title", "lines with `tf.` run on real TensorFlow 1"),
    (lambda c: c.__setitem__(0, _md("# 99 · Tiny\n\nYou will use `tf.` names. TF1 is old.")),
     "title", "lines with `tf.` run on real TensorFlow 1"),
    (lambda c: c.__setitem__(0, _md("# 12 · Tiny\n\nLines with `tf.` are TF1.")),
     "title", "the title's number 12 is not the lesson's"),
    (lambda c: c.pop(3), "order", "no markdown cell starting '## Check yourself'"),
    (lambda c: c.insert(4, _md("## Another section")), "order", "a section after"),
    (lambda c: c.insert(1, _md("## Going further\n\nEarly.")), "order",
     "a second '## Going further' cell"),
    (lambda c: c.insert(8, _code("print(2)")), "graduation",
     "must come right after the '## Graduation'"),
    (lambda c: c.append(_code("print(2)")), "graduation", "is not the last code cell"),
    (lambda c: c[8].metadata.clear(), "graduation", "no code cell tagged 'graduation'"),
    (lambda c: c.insert(4, _code("print(1)", GRADUATION_TAG)), "graduation",
     "a second cell tagged 'graduation'"),
    (lambda c: c.__setitem__(7, _md("## Graduation\n\nThe code.")), "graduation",
     "runs unchanged on `tensorflow.compat.v1`"),
    (lambda c: c.__setitem__(8, _code(GOOD_GRADUATION.replace("import minigraph as tf",
                                                              "import minigraph as  tf"),
                                      GRADUATION_TAG)), "graduation",
     "must hold the line 'import minigraph as tf' exactly"),
    (lambda c: c.__setitem__(8, _code("from minigraph import viz\n" + GOOD_GRADUATION +
                                      "viz.draw(loss)", GRADUATION_TAG)), "graduation",
     "imports only"),
    (lambda c: c.__setitem__(8, _code("%matplotlib inline\n" + GOOD_GRADUATION,
                                      GRADUATION_TAG)), "graduation", "IPython magic"),
])
def test_checker_flags_the_shape(edit, rule, says):
    cells = _good_cells()
    edit(cells)
    problems = _problems(cells)
    assert problems and {p.rule for p in problems} == {rule}, problems
    assert any(says in p.text for p in problems), problems


def test_checker_flags_course_tools_in_the_graduation_cell():
    cells = _good_cells()
    cells[8] = _code(GOOD_GRADUATION + "viz.draw(loss)\ntrace.traced_run(sess, loss)",
                     GRADUATION_TAG)
    problems = _problems(cells)
    assert [p.rule for p in problems] == ["graduation", "graduation"], problems
    assert "uses viz, one of this course's tools" in problems[0].text
    assert "cell 9 'import numpy as np', line 14" in problems[0].text


def test_every_callable_a_lesson_calls_with_keywords_has_a_signature():
    """The signatures file covers what the lessons and the TF1 lecture use."""
    for name in ["tf.placeholder", "tf.Session", "tf.RunOptions", "tf.Variable",
                 "tf.train.GradientDescentOptimizer", "tf.layers.dense",
                 "tf.keras.models.Sequential", "tf.keras.layers.Dense",
                 "tf.keras.optimizers.SGD", "tf.contrib.layers.xavier_initializer",
                 "tf.summary.FileWriter", "tf.random_normal", "tf.losses.mean_squared_error"]:
        assert canonical(name)[1] is not None, name
