"""How a plan with control flow runs: dead values, and while loops run as frames.

TF1's ``tf.cond`` and ``tf.while_loop`` are not statements of a language: they build ordinary
ops (:mod:`minigraph.ops.control_flow_ops`), and what makes them steer the run is one rule of
TF's executor, the *dead value*:

* ``Switch(data, pred)`` gives ``data`` on one output (``:1`` when ``pred`` is true, ``:0``
  otherwise) and a dead value on the other;
* an op with a dead input (or waiting, through a control input, for a dead op) is dead: it
  does not run and its outputs are dead;
* ``Merge`` forwards whichever of its inputs is alive.

So both branches of a ``tf.cond`` are in the graph, and in a run only the one its ``Switch``
ops send values to executes; an op made *outside* the branch functions has no dead input and
runs whatever the predicate (TF1's famous trap). A while loop is a cycle: ``Enter`` takes a
value into the loop's *frame*, its ``Merge`` reads the ``Enter`` in the first iteration and
``NextIteration`` (the value the body computed) afterwards, ``LoopCond``'s predicate steers a
``Switch`` into the body (``:1``) or out through ``Exit`` (``:0``).

A plan without these ops runs exactly as before (:func:`minigraph.session.execute`). A plan
with them is laid out here once, when it is compiled (:func:`compile_steps`):

1. **order**: each loop's ops are made contiguous: its ``Enter`` steps, then its *body* (every
   step run once per iteration, from the ``Merge`` steps to the ``NextIteration`` steps, an
   inner loop nested in it the same way), then its ``Exit`` steps; the loop's ``Merge`` waits
   for ``Enter`` only (the back edge from ``NextIteration`` is the next iteration's);
2. **guard**: when each value may be dead is worked out statically, as a condition on the
   predicates (:func:`_conditions`): a ``Switch`` output is alive if its predicate says so,
   a cond's ``Merge`` is alive whenever the cond is (its two branches' conditions join
   again). A step that may see a dead value (in a branch, in a loop body) gets a ``guard``:
   the values whose deadness makes it dead. Only those steps are checked, and what follows
   a cond is an ordinary step again; an op without outputs that another waits for gets a
   :class:`Token` output carrying its deadness;
3. **free**: as in any plan each value is dropped after its last reader, except that a value
   read inside a loop but made before it lives until the loop is done.

:func:`execute` is the interpreter of such a plan: the same loop as the plain one, plus the
guard check, and a jump back to the body's first step while the loop's predicate is true
(each iteration's values overwrite the previous ones'). Such steps are never rewritten
(:mod:`minigraph.rewrite` keeps every step that has a ``flow``), so a folded constant or a
forwarded ``Identity`` never skips a dead check. In a traced run, a dead step is recorded in
the trace's ``dead`` list, not in ``executed``.
"""

import heapq

__all__ = ["DEAD", "NOT_YET", "Token", "Dead", "FlowInfo", "Flow", "CONTROL_FLOW_TYPES",
           "has_control_flow", "compile_steps", "outputs_written", "execute", "loops_of",
           "unit_order"]


class _Marker:
    __slots__ = ("label",)

    def __init__(self, label):
        self.label = label

    def __repr__(self):
        return self.label

    def __bool__(self):
        raise TypeError("%s has no truth value: it is not a tensor's value" % self.label)


#: the value of a tensor on a path not taken (a Switch's other output, and what it feeds)
DEAD = _Marker("<dead>")
#: a loop Merge's NextIteration input before the loop's first iteration has computed it
NOT_YET = _Marker("<not yet>")


class Token:
    """What an op without outputs (a ``NoOp``) "computes" in a plan with control flow: ``None``
    if it ran, ``DEAD`` if it was dead. The ops waiting for it read it to know which."""

    __slots__ = ("op",)

    def __init__(self, op):
        self.op = op

    @property
    def name(self):
        return "^" + self.op.name

    def __repr__(self):
        return "<Token %s>" % self.op.name


class Dead:
    """What :func:`execute` yields for a step that did not run because a value it needs is
    dead (a branch not taken, a loop body after its last iteration)."""

    __slots__ = ("step",)

    def __init__(self, step):
        self.step = step

    @property
    def op(self):
        return self.step.op


#: the op types of TF1's control flow: a plan holding one runs through this module
CONTROL_FLOW_TYPES = frozenset([
    "Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit", "RefExit",
    "NextIteration", "RefNextIteration", "LoopCond", "ControlTrigger"])
_SWITCHES = frozenset(["Switch", "RefSwitch"])
_MERGES = frozenset(["Merge", "RefMerge"])
_ENTERS = frozenset(["Enter", "RefEnter"])
_EXITS = frozenset(["Exit", "RefExit"])
#: ops that run whatever their inputs: Merge (it takes the input alive), ControlTrigger
_NEVER_GUARDED = _MERGES | {"ControlTrigger"}


def has_control_flow(ops):
    """True if any of ``ops`` is a control flow op (the plan must run through this module)."""
    return any(op.type in CONTROL_FLOW_TYPES for op in ops)


def is_loop_merge(op):
    """A while loop's Merge: its second input comes from the loop's NextIteration."""
    return op.type in _MERGES and len(op.inputs) == 2 and \
        op.inputs[1].op.type in ("NextIteration", "RefNextIteration")


class FlowInfo:
    """What a step of a plan with control flow carries besides its kernel (``Step.flow``).

    Attributes:
      guard: ``None`` if the step can never be dead, else a tuple of groups of environment
        keys: the step is dead if every value of some group is ``DEAD`` (a data input is a
        group of one; an op it waits for is the group of that op's outputs, or its Token).
      region: the loop (its ``WhileContext``) whose steps begin here, or None.
      body: the loop whose body (one iteration) begins here, or None.
      end: the loops whose body ends here, innermost first (may be empty).
    """

    __slots__ = ("guard", "region", "body", "end")

    def __init__(self, guard=None):
        self.guard = guard
        self.region = None
        self.body = None
        self.end = ()


def loops_of(op):
    """The while loops (their ``WhileContext``) ``op`` belongs to, outermost first; a loop's
    ``Enter`` and ``Exit`` ops belong to it."""
    chain = []
    context = op._control_flow_context
    while context is not None:
        if context.is_while:
            chain.append(context)
        context = context.outer_context
    chain.reverse()
    return chain


def _waits_for(op):
    """The ops ``op`` waits for, a loop Merge's back edge aside."""
    merge = op.type in _MERGES
    for t in op.inputs:
        if not (merge and t.op.type in ("NextIteration", "RefNextIteration")):
            yield t.op
    yield from op.control_inputs


def unit_order(ops, depth=0, chains=None):
    """``ops`` (in a valid order, back edges aside) with the ops of each while loop at this
    depth made contiguous. Returns a list of items: an Operation, or ``(context, enters,
    body, exits)`` for a loop, whose ``body`` is such a list again."""
    position = {op: i for i, op in enumerate(ops)}
    chains = chains if chains is not None else {op: loops_of(op) for op in ops}
    unit_of = {}
    for op in ops:
        chain = chains[op]
        unit_of[op] = chain[depth] if len(chain) > depth else op
    units = list(dict.fromkeys(unit_of[op] for op in ops))
    index = {u: i for i, u in enumerate(units)}
    first = [None] * len(units)
    for op in ops:
        i = index[unit_of[op]]
        if first[i] is None:
            first[i] = position[op]
    waiting = [set() for _ in units]
    users = [[] for _ in units]
    for op in ops:
        i = index[unit_of[op]]
        for dep in _waits_for(op):
            d = unit_of.get(dep)
            if d is None:
                continue
            j = index[d]
            if j != i and j not in waiting[i]:
                waiting[i].add(j)
                users[j].append(i)
    ready = [(first[i], i) for i in range(len(units)) if not waiting[i]]
    heapq.heapify(ready)
    out = []
    while ready:
        _, i = heapq.heappop(ready)
        unit = units[i]
        if unit in position:   # an op
            out.append(unit)
        else:
            members = [op for op in ops if unit_of[op] is unit]
            enters = [op for op in members
                      if op.type in _ENTERS and op._control_flow_context is unit]
            exits = [op for op in members
                     if op.type in _EXITS and op._control_flow_context is unit]
            ends = set(enters) | set(exits)
            body = [op for op in members if op not in ends]
            out.append((unit, enters, unit_order(body, depth + 1, chains), exits))
        for k in users[i]:
            waiting[k].discard(i)
            if not waiting[k]:
                heapq.heappush(ready, (first[k], k))
    if len(out) != len(units):
        raise ValueError("The graph has a cycle that is not a while loop's back edge")
    return out


def _flatten(items, out, marks):
    """Lay ``unit_order``'s items out as one op list; ``marks`` gets, per loop,
    ``(context, region_start, body_start, body_end)`` (indices into ``out``; body_end is the
    index of the body's last op)."""
    for item in items:
        if not isinstance(item, tuple):
            out.append(item)
            continue
        context, enters, body, exits = item
        start = len(out)
        out.extend(enters)
        body_start = len(out)
        _flatten(body, out, marks)
        marks.append((context, start, body_start, len(out) - 1))
        out.extend(exits)


# ------------------------------------------------------------------------------------------
# compiling a plan with control flow
# ------------------------------------------------------------------------------------------

def compile_steps(ops, make_step, fed):
    """The steps of a plan running ``ops`` (pruned, in a valid order back edges aside), which
    include control flow ops. ``make_step(op, outputs)`` makes the usual step of ``op``
    writing ``outputs`` (``fed`` tensors are not written); each step gets its ``flow``."""
    order, marks = [], []
    _flatten(unit_order(ops), order, marks)
    in_loop = set()
    for _, start, body_start, body_end in marks:
        in_loop.update(order[start:body_end + 1])

    # when each value may be dead: its condition (see _conditions), the guards, the tokens
    cond, op_cond = _conditions(order, fed)
    guards = {}
    wanted_tokens = set()
    planned = set(ops)
    for op in order:
        if op.type in _NEVER_GUARDED:   # a Merge handles dead inputs itself
            guards[op] = None
            continue
        groups = [(t,) for t in op.inputs if t in cond]
        waits = [c for c in op.control_inputs if op_cond.get(c)]
        for c in waits:
            if not c.outputs:
                wanted_tokens.add(c)
        guards[op] = (groups, waits) if (groups or waits) else None

    tokens = {op: Token(op) for op in wanted_tokens if op in planned}
    steps = []
    for op in order:
        outputs = outputs_written(op, fed)
        if op in tokens:
            outputs = outputs + (tokens[op],)
        step = make_step(op, outputs)
        guard = guards[op]
        if guard is not None:
            groups, waits = guard
            for c in waits:
                # a fed output holds its fed value: alive
                groups.append((tokens[c],) if c in tokens else tuple(c.outputs))
            guard = tuple(groups)
        if guard is not None or op.type in CONTROL_FLOW_TYPES or op in in_loop:
            step.flow = FlowInfo(guard)
        steps.append(step)
    index = {op: i for i, op in enumerate(order)}
    for context, start, body_start, body_end in marks:
        steps[start].flow.region = context
        steps[body_start].flow.body = context
        steps[body_end].flow.end = steps[body_end].flow.end + (context,)
    _check_loops(order, index)
    return steps


def _root(t):
    """The tensor ``t`` is an ``Identity`` of (``cond/pred_id`` is the cond's predicate)."""
    while t.op.type == "Identity":
        t = t.op.inputs[0]
    return t


def _conditions(order, fed):
    """When each value of the plan may be dead, worked out once, statically.

    A value's *condition* is a set of literals ``(predicate, side)``: the value is alive in
    a run if every ``Switch`` on that predicate sent its data to that side (an empty set, or
    no entry: always alive). A Switch adds its literal; an op takes the union of its inputs'
    and control inputs'; a Merge takes their disjunction: the two branches of a cond,
    ``C + (p, 0)`` and ``C + (p, 1)``, merge back to ``C``, so what follows a cond (the
    gradients too: they merge the same way) is alive, and never checked nor kept from the
    rewrites. A Merge whose inputs do not simplify so is dead under a condition of its own.
    A loop's Merge is alive when its Enter is; its Exit when the loop is.

    Returns ``({tensor: condition}, {op: condition})`` for the values and ops that may be
    dead."""
    cond, op_cond = {}, {}
    for op in order:
        kind = op.type
        if kind in _MERGES:
            if is_loop_merge(op):
                c = cond.get(op.inputs[0], _ALIVE)
            else:
                c = _disjunction(op, [cond.get(t, _ALIVE) for t in op.inputs if t not in fed])
        elif kind == "ControlTrigger":
            c = _ALIVE
        else:
            parts = [cond[t] for t in op.inputs if t in cond]
            parts += [op_cond[c] for c in op.control_inputs if c in op_cond]
            c = _ALIVE.union(*parts) if parts else _ALIVE
        if c:
            op_cond[op] = c
        if kind in _SWITCHES:
            key = _root(op.inputs[1])
            cond[op.outputs[0]] = c | {(key, 0)}
            cond[op.outputs[1]] = c | {(key, 1)}
            continue
        if kind in _EXITS:   # the loop's own predicate does not reach past its Exit
            loop = op._control_flow_context.pivot
            c = frozenset(lit for lit in c if lit[0] is not loop)
        if c:
            for t in op.outputs:
                cond[t] = c
    return cond, op_cond


_ALIVE = frozenset()


def _disjunction(op, conds):
    """The condition under which at least one of ``conds`` holds, if it is one: ``A + (p, 0)``
    or ``A + (p, 1)`` is ``A``; ``A`` or ``A + B`` is ``A``; else a literal of ``op``'s own."""
    conds = set(conds) or {_ALIVE}
    changed = True
    while changed and len(conds) > 1:
        changed = False
        for a in conds:
            for b in conds:
                if a is b:
                    continue
                if a <= b:
                    conds.discard(b)
                    changed = True
                    break
                only_a, only_b = a - b, b - a
                if len(only_a) == 1 and len(only_b) == 1:
                    (key_a, side_a), = only_a
                    (key_b, side_b), = only_b
                    if key_a is key_b and side_a != side_b:
                        conds -= {a, b}
                        conds.add(a & b)
                        changed = True
                        break
            if changed:
                break
    if len(conds) == 1:
        return next(iter(conds))
    return frozenset([(op, -1)])


def outputs_written(op, fed):
    """The tensors a step of ``op`` writes: its outputs, those in ``fed`` left out (``None``
    in their place for an op with several outputs, none for a fed single output)."""
    if len(op.outputs) == 1:
        return () if op.outputs[0] in fed else op.outputs
    return tuple(None if t in fed else t for t in op.outputs)


def _check_loops(order, index):
    """TF1 checks a loop's values' dtypes when the graph runs: so does minigraph, before
    anything of the run executes."""
    from minigraph.errors import InvalidArgumentError
    for op in order:
        if is_loop_merge(op) and op.inputs[1].dtype != op.inputs[0].dtype:
            raise InvalidArgumentError(
                op.name, op,
                "Input 1 of node %s was passed %s from %s incompatible with expected %s.\n  "
                "The loop variable's body returned a %s for a loop variable of dtype %s "
                "(the loop was created at %s)"
                % (op.name, op.inputs[1].dtype.name, op.inputs[1].name,
                   _tf_type_name(op.inputs[0].dtype), op.inputs[1].dtype.name,
                   op.inputs[0].dtype.name, op.site.with_source()))


def _tf_type_name(dtype):
    return {"float32": "float", "float64": "double"}.get(dtype.name, dtype.name)


# ------------------------------------------------------------------------------------------
# the plan's loops, and when its values are dropped
# ------------------------------------------------------------------------------------------

class Loop:
    """One while loop of a plan: where its body starts and ends in ``plan.steps``, the
    predicate that decides whether it runs again, the NextIteration values its Merge steps
    read (reset when the loop is entered), and what to drop once it is done."""

    __slots__ = ("context", "pred", "nexts", "region_start", "body_start", "body_end",
                 "after_frees")

    def __init__(self, context, region_start, body_start, body_end):
        self.context = context
        self.pred = context.pivot
        self.nexts = ()
        self.region_start, self.body_start, self.body_end = region_start, body_start, body_end
        self.after_frees = ()

    def contains(self, index):
        return self.body_start <= index <= self.body_end

    def __repr__(self):
        return "<Loop %s: steps %d..%d>" % (self.context.name, self.body_start, self.body_end)


class Flow:
    """The control flow of one plan (``plan.flow``): its loops, by where they start and end,
    computed from the steps' ``flow`` markers; setting up also sets every step's ``frees``."""

    def __init__(self, steps, keep):
        regions, bodies, ends = {}, {}, {}
        for i, step in enumerate(steps):
            info = step.flow
            if info is None:
                continue
            if info.region is not None:
                regions[info.region] = i
            if info.body is not None:
                bodies[info.body] = i
            for context in info.end:
                ends[context] = i
        self.loops = []
        self.starting = {}    # step index -> the Loop whose region starts there
        self.ending = {}      # step index -> the Loops whose body ends there, innermost first
        for context, end in ends.items():
            loop = Loop(context, regions.get(context, bodies[context]), bodies[context], end)
            loop.nexts = tuple(
                s.inputs[1] for s in steps[loop.body_start:loop.body_end + 1]
                if is_loop_merge(s.op) and s.op._control_flow_context is context)
            self.loops.append(loop)
            self.starting[loop.region_start] = loop
            self.ending.setdefault(end, []).append(loop)
        for index, loops in self.ending.items():
            loops.sort(key=lambda loop: -loop.body_start)   # innermost first
        _set_frees(steps, keep, self.loops)


def _reads(step):
    yield from step.inputs
    info = step.flow
    if info is not None and info.guard is not None:
        for group in info.guard:
            yield from group


def _set_frees(steps, keep, loops):
    """Each step's ``frees`` (and each loop's ``after_frees``): a value is dropped after its
    last reader, or, if a loop that did not make it reads it, once that loop is done; a
    loop's predicate is read when its body ends."""
    producer = {}
    for i, step in enumerate(steps):
        for t in step.outputs:
            if t is not None:
                producer[t] = i
    by_start = sorted(loops, key=lambda loop: loop.body_start)
    last = {}   # key -> (position, loop or None): a position of x.5 means "after that loop"

    def note(t, p):
        q = producer.get(t, -1)
        where, after = p, None
        for loop in by_start:   # outermost first among those containing p
            if loop.contains(p) and not loop.contains(q):
                where, after = loop.body_end + 0.5, loop
                break
        old = last.get(t)
        if old is None or where > old[0]:
            last[t] = (where, after)

    for i, step in enumerate(steps):
        for t in _reads(step):
            note(t, i)
    for loop in loops:
        note(loop.pred, loop.body_end)
    for i, step in enumerate(steps):
        for t in step.outputs:
            if t is not None and t not in last:
                last[t] = (i, None)
    frees = [[] for _ in steps]
    after = {loop: [] for loop in loops}
    for t, (where, loop) in last.items():
        if t in keep:
            continue
        if loop is None:
            frees[int(where)].append(t)
        else:
            after[loop].append(t)
    for step, f in zip(steps, frees):
        step.frees = tuple(f)
    for loop in loops:
        loop.after_frees = tuple(after[loop])


# ------------------------------------------------------------------------------------------
# the interpreter
# ------------------------------------------------------------------------------------------

def _is_dead(env, guard):
    for group in guard:
        for t in group:
            if env[t] is not DEAD:
                break
        else:
            return True
    return False


def execute(plan, env):
    """Run ``plan`` (which has control flow) over ``env``: :func:`minigraph.session.execute`
    with dead values and loops. Yields each step that ran, and a :class:`Dead` for each step
    that did not because it is dead."""
    __tracebackhide__ = True
    from minigraph.run_errors import run_error
    flow = plan.flow
    starting, ending = flow.starting, flow.ending
    steps = plan.steps
    n = len(steps)
    pc = 0
    while pc < n:
        step = steps[pc]
        info = step.flow
        loop = starting.get(pc) if info is not None else None
        if loop is not None:   # entering a loop: its Merges start from their Enters
            for t in loop.nexts:
                env[t] = NOT_YET
        inputs = [env[t] for t in step.inputs]
        if info is not None and info.guard is not None and _is_dead(env, info.guard):
            for t in step.outputs:
                if t is not None:
                    env[t] = DEAD
            del inputs
            yield Dead(step)
        else:
            try:
                output = step.kernel(*inputs)
            except Exception as e:
                error = run_error(e, step.op, inputs, plan.targets, plan.ops)
                raise error from (None if error is e else e)
            outputs = step.outputs
            if len(outputs) == 1:   # one output, or a no-output op's Token (None: it ran)
                env[outputs[0]] = output
            elif outputs:
                for t, v in zip(outputs, output):
                    if t is not None:
                        env[t] = v
            del inputs, output
            yield step
        again = None
        if info is not None and info.end:   # a loop body's last step: again, or leave it
            for loop in ending[pc]:
                pred = env.get(loop.pred, DEAD)
                if pred is not DEAD and pred:
                    again = loop
                    break
                for t in loop.after_frees:
                    env.pop(t, None)
        for t in step.frees:
            del env[t]
        pc = again.body_start if again is not None else pc + 1
