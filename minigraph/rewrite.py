"""What a ``Session.run`` really executes: the plan's ops after Grappler-style rewrites.

Real TensorFlow 1 does not run the graph you drew op for op. Before the first run of a
fetch/feed signature its graph optimizer, Grappler, folds constant subgraphs, drops
arithmetic that does nothing and fuses ops. minigraph's session does the same, in a small
way, on the *plan*: the list of steps one ``Session.run`` executes. The graph, its drawings
and a traced run (``RunOptions(trace_level=FULL_TRACE)``, ``Session.run_steps``) are not
touched: they execute every op as drawn. ``Session.describe_plan`` tells what was rewritten.

Every rewrite gives the values the op-for-op run gives, bit for bit
(``tests/test_rewrite.py`` checks that on the lecture's programs and on the cases where a
rewrite must stay away). The passes, in order:

1. **Constant folding.** An op that is not stateful and whose inputs are all constants is
   run once, when the plan is built, and its value becomes a constant of the plan. So is an
   op that only looks at its input's shape (``ZerosLike``, ``Shape``...) when that shape is
   known statically. In the lecture's backward pass, the whole chain from the gradient's
   seed ``1.0`` through ``Mean``'s and ``Sum``'s gradients to ``2 * grad`` is folded: none of
   it depends on the data. An op that fails or warns while being folded is left in the plan,
   so its error comes at run time, as it would without folding.
2. **Forwarding.** ``Identity``, ``StopGradient`` and ``x ** 1`` give their input itself:
   no step at all, the output is the input's slot.
3. **Cheaper kernels.** ``x ** 2`` is ``np.square`` (also when the 2 was folded, as in
   ``pow``'s gradient); ``where(c, x, zeros)`` (``Maximum``'s and ``Relu``'s gradient)
   masks the bits of ``x``, exact and about ten times faster than ``np.where``.
4. **Updates in place.** ``v.assign(v - lr * g)`` becomes, at the assign's step,
   ``np.subtract(v, lr * g, out=v)``, and ``AssignAdd``/``AssignSub`` write into the
   variable's array, when nothing of this run still needs the old value (no later reader,
   not fetched, one update of that variable in the plan) and no one outside the session
   can hold that array (``_State.writable`` in ``minigraph.session``). Otherwise the update
   writes a new array, as the op-for-op run does.

A fetched value never shares memory with a constant, a variable, a fed array or another
fetched value: such values are copied when they are handed out.
"""

import warnings

import numpy as np

from minigraph.ops import math_ops

__all__ = ["optimize", "fetch_copies", "with_frees", "FastPath", "KernelFailure"]

#: Grappler's default limit on the size of a folded constant (10 MiB).
MAX_FOLDED_BYTES = 10 * 2**20
#: ops never folded although they are not stateful
NEVER_FOLD = {"CheckNumerics", "PlaceholderWithDefault"}
#: ops whose value depends only on the static shape and dtype of their input
SHAPE_ONLY = {"Shape", "Size", "Rank", "ZerosLike", "OnesLike"}
#: ops that give their first input itself
FORWARDING = {"Identity", "StopGradient"}
#: elementwise binary ops whose kernel is exactly this ufunc (so ``out=`` may be used)
UFUNCS = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}
#: update ops and the ufunc they apply to the variable's value
UPDATES = {"AssignAdd": np.add, "AssignSub": np.subtract}
#: unsigned integer types by item size, to select by masking bits
_BITS = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


class KernelFailure(Exception):
    """Raised by a fused step when the op it absorbed fails: names that op and its inputs,
    so the error reads as it would without the fusion."""

    def __init__(self, op, values):
        super().__init__(op.name)
        self.op = op
        self.values = values


class FastPath:
    """The fast path of one plan.

    Attributes:
      steps: ``(kernel, input slots, output slot(s) or None, op, slots to free)`` in order.
      template: the initial slot list: constants, folded values included.
      fetch_slots / fetch_copy: where each fetch is, and whether to copy it when handing out.
      folded, forwarded, specialized, fused, in_place: the ops each pass touched (a fused
      op is listed as ``(absorbed op, assign op)``).
      folded_bytes: the memory the plan keeps for folded values.
    """

    def __init__(self):
        self.n_ops = 0  # the plan's ops, constants and no-ops aside
        self.steps = []
        self.template = []
        self.fetch_slots = []
        self.fetch_copy = []
        self.folded = []
        self.forwarded = []
        self.specialized = []
        self.fused = []
        self.in_place = []
        self.folded_bytes = 0  # what the folded values the plan keeps take up

    def summary(self):
        """A few lines: how many ops the plan has and what became of them."""
        lines = ["%d ops in the plan, %d kernel calls per run" % (self.n_ops, len(self.steps))]
        for label, ops in (("folded into constants once", self.folded),
                           ("forwarded (no step)", self.forwarded),
                           ("given a cheaper kernel", self.specialized),
                           ("fused into their assign", [a for a, _ in self.fused]),
                           ("updating a variable in place", self.in_place)):
            if ops:
                lines.append("%s: %d  (%s)" % (label, len(ops), _names(ops)))
        if self.folded:
            lines.append("folded values kept by the plan: %s" % _size(self.folded_bytes))
        return "\n".join(lines)


    def role(self, op):
        """What an untraced run does with ``op``, in a few words (the run stepper shows it
        beside each step of a traced run, which always runs every op as drawn)."""
        if op in self.folded:
            return "folded: an untraced run computes it once, when its plan is built"
        if op in self.forwarded:
            return "forwarded: an untraced run hands its input on, with no step"
        if op in self.specialized:
            return "an untraced run uses a cheaper kernel with the same result"
        for absorbed, assign in self.fused:
            if op is absorbed:
                return "fused: an untraced run computes it inside %s" % assign.name
        if op in self.in_place:
            return "an untraced run writes the new value into the variable's own memory"
        if op.type in ("Const", "NoOp"):
            return "no step in an untraced run (a constant is in place from the start)" \
                if op.type == "Const" else "no step in an untraced run (nothing to compute)"
        return "runs as drawn"


def _names(ops, limit=6):
    names = [op.name for op in ops]
    return ", ".join(names[:limit]) + (", ..." if len(names) > limit else "")


def _size(n):
    return "%d bytes" % n if n < 1024 else "%.1f KiB" % (n / 1024) if n < 2**20 \
        else "%.1f MiB" % (n / 2**20)


class _Node:
    """One step of the plan while it is being rewritten."""

    __slots__ = ("kernel", "ins", "out", "op")

    def __init__(self, kernel, ins, out, op):
        self.kernel, self.ins, self.out, self.op = kernel, ins, out, op

    def outs(self):
        return () if self.out is None else ((self.out,) if type(self.out) is int else self.out)


def optimize(steps, template, n_feeds, fetch_slots, state, fold=True, enabled=True):
    """The fast path for a plan whose op-for-op steps are ``steps``
    (``(kernel, input slots, output slot(s), op)`` in execution order); ``template`` holds
    the constants' values, the first ``n_feeds`` slots are the fed values.
    ``fold=False`` skips pass 1; ``enabled=False`` skips passes 2 to 4 (every op then runs,
    only ``Const`` and ``NoOp`` steps are dropped)."""
    fast = FastPath()
    consts = {i: v for i, v in enumerate(template) if v is not None}
    nodes = [_Node(*s) for s in steps if s[3].type not in ("Const", "NoOp")]
    fast.n_ops = len(nodes)
    same = {}  # slot -> the slot it is forwarded from
    if fold:
        nodes = _fold(nodes, consts, fast)
    if enabled:
        nodes = _forward(nodes, consts, same, fast)
        _specialize(nodes, consts, fast)
    for node in nodes:
        node.ins = tuple(_resolve(same, i) for i in node.ins)
    fetch = [None if s is None else _resolve(same, s) for s in fetch_slots]
    root = _alias_roots(nodes)
    protected = _protected(nodes, consts, n_feeds)
    if enabled:
        nodes = _fuse_assigns(nodes, fetch, root, fast)
    _update_kernels(nodes, fetch, root, protected, state, fast, enabled)

    # the plan keeps only the constants a step or a fetch still reads (not, say, the
    # intermediate values of a folded chain)
    needed = {i for n in nodes for i in n.ins} | set(fetch)
    fast.template = [None] * len(template)
    for i, v in consts.items():
        if i in needed:
            fast.template[i] = v
            if template[i] is None:  # a folded value
                fast.folded_bytes += _held_bytes(v)
    fast.fetch_slots = fetch
    fast.fetch_copy = _fetch_copies(fetch, root, protected)
    fast.steps = with_frees([(n.kernel, n.ins, n.out, n.op) for n in nodes],
                            {s for s in fetch if s is not None})
    return fast


# -- 1. constant folding ----------------------------------------------------------------------

def _fold(nodes, consts, fast):
    kept = []
    for node in nodes:
        args = _fold_args(node, consts)
        value = None if args is None else _evaluate(node, args)
        if value is None:
            kept.append(node)
            continue
        for i, v in zip(node.outs(), value if type(node.out) is tuple else (value,)):
            consts[i] = _compact(v)
        fast.folded.append(node.op)
    return kept


def _fold_args(node, consts):
    op = node.op
    if op.opdef.stateful or op.opdef.kind != "op" or op.type in NEVER_FOLD or node.out is None:
        return None
    if all(i in consts for i in node.ins):
        return [consts[i] for i in node.ins]
    if op.type in SHAPE_ONLY:
        x = op.inputs[0]
        if x.shape.is_fully_defined():
            return [np.zeros(x.shape.as_list(), x.dtype.as_numpy_dtype)]
    return None


def _evaluate(node, args):
    """The op's value, or None if it fails, warns or is too big to keep."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            value = node.kernel(*args)
    except Exception:
        return None
    values = value if type(node.out) is tuple else (value,)
    if sum(np.asarray(v).nbytes for v in values) > MAX_FOLDED_BYTES:
        return None
    return value


def _compact(v):
    """A folded array whose elements all have the same bits (a broadcast gradient, say) is
    kept as that one element broadcast to the shape (a read-only view): same values,
    bytes instead of kilobytes."""
    if type(v) is not np.ndarray or v.nbytes < 1024 or v.dtype.itemsize not in _BITS \
            or v.dtype.kind not in "biufc" or not any(v.strides):
        return v
    bits = np.ascontiguousarray(v).reshape(-1).view(_BITS[v.dtype.itemsize])
    if not np.all(bits == bits[0]):
        return v
    return np.broadcast_to(v.reshape(-1)[0], v.shape)


def _held_bytes(v):
    """Memory an array value really takes (a broadcast one element takes one element)."""
    v = np.asarray(v)
    return v.itemsize if v.ndim and not any(v.strides) else v.nbytes


# -- 2. forwarding ----------------------------------------------------------------------------

def _forward(nodes, consts, same, fast):
    kept = []
    for node in nodes:
        op = node.op
        if op.type in FORWARDING or (op.type == "Pow" and _scalar(consts, node.ins[1]) == 1):
            same[node.out] = node.ins[0]
            fast.forwarded.append(op)
        else:
            kept.append(node)
    return kept


def _resolve(same, i):
    while i in same:
        i = same[i]
    return i


def _scalar(consts, i):
    """The value of slot ``i`` if it is a constant scalar, else None."""
    v = consts.get(i)
    if v is None or np.ndim(v) != 0:
        return None
    return v[()] if isinstance(v, np.ndarray) else v


# -- 3. cheaper kernels -----------------------------------------------------------------------

def _specialize(nodes, consts, fast):
    for node in nodes:
        cheaper = _cheaper_kernel(node, consts)
        if cheaper is not None:
            node.kernel, node.ins = cheaper
            fast.specialized.append(node.op)


def _cheaper_kernel(node, consts):
    """``(kernel, input slots)`` computing ``node``'s value more cheaply, or None."""
    op = node.op
    if op.type == "Pow" and node.kernel is not math_ops._square \
            and _scalar(consts, node.ins[1]) == 2:
        return math_ops._square, node.ins   # (a constant 2 already had it: Pow.make_kernel)
    if op.type == "Select":
        c, x, y = node.ins
        for keep, zero, other, kept in ((True, y, x, op.inputs[1]), (False, x, y, op.inputs[2])):
            if _all_zeros(consts.get(zero)) and _same_static_shape(op.inputs[0], kept,
                                                                  op.outputs[0]):
                return select_zeros(keep), (c, other)
    return None


def _all_zeros(v):
    """True for a constant array of +0 only (-0.0 would differ in its sign bit)."""
    if v is None:
        return False
    v = np.asarray(v)
    return v.dtype.kind in "biuf" and not np.any(v) and not np.any(np.signbit(v))


def _same_static_shape(*tensors):
    shapes = [t.shape for t in tensors]
    return all(s.is_fully_defined() for s in shapes) and len({tuple(s.as_list())
                                                              for s in shapes}) == 1


def select_zeros(keep_where):
    """A kernel for ``where(c, x, 0)`` (``keep_where=True``) or ``where(c, 0, x)``: ``x``'s
    bits ANDed with a mask of all ones where ``x`` is kept, zeros elsewhere. Bit for bit
    ``np.where``'s answer (NaN and -0.0 included), without its per-element branch."""
    def kernel(c, x):
        bits = _BITS.get(x.dtype.itemsize) if type(x) is np.ndarray else None
        if bits is None or type(c) is not np.ndarray or c.shape != x.shape \
                or x.dtype.kind not in "biuf":
            return np.where(c, x, 0) if keep_where else np.where(c, 0, x)
        mask = c.astype(bits)                  # 1 where c, 0 elsewhere
        if keep_where:
            np.negative(mask, out=mask)        # 1 -> all ones, 0 -> 0
        else:
            np.subtract(mask, 1, out=mask)     # 1 -> 0, 0 -> all ones (unsigned wrap-around)
        return np.bitwise_and(x.view(bits), mask, out=mask).view(x.dtype)
    kernel.__name__ = "select_zeros"
    return kernel


# -- 4. updates in place ----------------------------------------------------------------------

def _alias_roots(nodes):
    """slot -> the slot whose array it may share (through Reshape, Transpose... views)."""
    root = {}
    for node in nodes:
        if node.op.opdef.aliases_input and node.ins:
            for o in node.outs():
                root[o] = root.get(node.ins[0], node.ins[0])
    return root


def _protected(nodes, consts, n_feeds):
    """Slots whose arrays someone else owns: fed arrays, constants, variables' storage and
    assigns' results. (A view of one of those has it as its root: callers check roots.)"""
    protected = set(range(n_feeds)) | set(consts)
    for node in nodes:
        if node.op.opdef.kind in ("variable", "assign"):
            protected.update(node.outs())
    return protected


def _fetch_copies(fetch, root, protected):
    """Copy a fetched value if it is protected or shares an array with an earlier fetch."""
    seen, out = set(), []
    for s in fetch:
        r = root.get(s, s)
        out.append(s is not None and (r in protected or r in seen))
        seen.add(r)
    return out


def fetch_copies(steps, template, n_feeds, fetch_slots):
    """``fetch_copy`` for the op-for-op path (steps as given to :func:`optimize`)."""
    nodes = [_Node(*s) for s in steps]
    consts = {i for i, v in enumerate(template) if v is not None}
    root = _alias_roots(nodes)
    return _fetch_copies(fetch_slots, root, _protected(nodes, consts, n_feeds))


def _uses(nodes):
    uses = {}
    for index, node in enumerate(nodes):
        for i in node.ins:
            uses.setdefault(i, []).append(index)
    return uses


def _fuse_assigns(nodes, fetch, root, fast):
    """``assign(v, a - b)`` (or +, *): the assign's step computes ``a - b`` itself, so that it
    can write straight into the variable; the ``Sub`` step goes."""
    uses = _uses(nodes)
    producer = {o: index for index, node in enumerate(nodes) for o in node.outs()}
    var_shapes = {}
    drop = set()
    for index, node in enumerate(nodes):
        op = node.op
        if op.type != "Assign":
            continue
        (s,) = node.ins
        p = producer.get(s)
        if p is None or nodes[p].op.type not in UFUNCS or uses.get(s) != [index] \
                or s in fetch or s in root:
            continue
        absorbed = nodes[p]
        var = op.attrs["variable"]
        shape = var.outputs[0].shape
        if not (shape.is_fully_defined() and _same_static_shape(var.outputs[0],
                                                                absorbed.op.outputs[0])):
            continue
        var_shapes[var] = shape
        node.kernel = ("fused", UFUNCS[absorbed.op.type], absorbed.op)
        node.ins = absorbed.ins
        drop.add(p)
        fast.fused.append((absorbed.op, op))
    return [n for i, n in enumerate(nodes) if i not in drop]


def _update_kernels(nodes, fetch, root, protected, state, fast, enabled):
    """Give each assign-family step its kernel: in place where the plan allows it."""
    uses = _uses(nodes)
    fetched = {root.get(s, s) for s in fetch if s is not None}
    updates = {}
    for node in nodes:
        if node.op.opdef.kind == "assign":
            var = node.op.attrs["variable"]
            updates[var] = updates.get(var, 0) + 1
    reads = {}  # variable op -> the slot of its value in this run
    for node in nodes:
        if node.op.type == "VariableV2":
            reads[node.op] = node.out
    for index, node in enumerate(nodes):
        op = node.op
        if op.opdef.kind != "assign":
            continue
        var = op.attrs["variable"]
        in_place = enabled and updates[var] == 1 and _old_value_dead(
            reads.get(var), index, uses, root, fetched)
        if type(node.kernel) is tuple:  # fused in pass 4
            _, ufunc, absorbed = node.kernel
            node.kernel = fused_assign(ufunc, absorbed, var, state, in_place)
        elif op.type in UPDATES and in_place and _fits(var, op.inputs[0]):
            node.kernel = update_in_place(UPDATES[op.type], var, state, node.kernel)
        elif op.type == "Assign":
            (s,) = node.ins
            if s not in protected and s not in root and s not in fetched \
                    and uses.get(s) == [index]:
                # nothing else can see this array: the variable may keep it without a copy
                node.kernel = op.opdef.make_kernel(op, state, owns_value=True)
            continue
        else:
            continue
        if in_place:
            fast.in_place.append(op)


def _old_value_dead(read, index, uses, root, fetched):
    """True if no value of this run that may share the variable's array (its read, views of
    it) is fetched or used after step ``index``."""
    if read is None:
        return True
    group = {read} | {s for s, r in root.items() if r == read}
    return not any(s in fetched or any(u > index for u in uses.get(s, ())) for s in group)


def _fits(var, value):
    """True if ``var op= value`` keeps the variable's (fully known) shape."""
    shape, vshape = var.outputs[0].shape, value.shape
    if not (shape.is_fully_defined() and vshape.is_fully_defined()):
        return False
    a, b = shape.as_list(), vshape.as_list()
    if len(b) > len(a):
        return False
    return all(q in (1, p) for p, q in zip(a[len(a) - len(b):], b))


def fused_assign(ufunc, absorbed, var, state, in_place):
    """The kernel of ``assign(var, ufunc(a, b))``: into the variable's own array when
    ``in_place`` and the session owns that array, else into a new one."""
    def kernel(a, b):
        old = state.writable(var) if in_place else None
        try:
            if old is not None:
                return ufunc(a, b, out=old)
            new = ufunc(a, b)
        except Exception as e:
            raise KernelFailure(absorbed, [a, b]) from e
        state.set_value(var, new, owned=True)
        return new
    kernel.__name__ = "assign_%s" % ufunc.__name__
    return kernel


def update_in_place(ufunc, var, state, fallback):
    """``AssignAdd``/``AssignSub`` writing into the variable's array when the session owns
    it; otherwise the op's own kernel (a new array), which the session then owns."""
    def kernel(value):
        old = state.writable(var)
        if old is not None:
            return ufunc(old, value, out=old)
        new = fallback(value)
        state.set_value(var, new, owned=True)
        return new
    kernel.__name__ = "%s_in_place" % ufunc.__name__
    return kernel


# -- frees ------------------------------------------------------------------------------------

def with_frees(steps, keep):
    """Append to each step the slots whose last use it is (never those in ``keep``), so
    intermediates are dropped as soon as no later step needs them."""
    last = {}
    for index, (_, ins, out, _) in enumerate(steps):
        for i in ins:
            last[i] = index
        for o in ((out,) if type(out) is int else (out or ())):
            last.setdefault(o, index)  # produced but never used: free at once
    frees = [[] for _ in steps]
    for i, index in last.items():
        if i not in keep:
            frees[index].append(i)
    return [step + (tuple(f),) for step, f in zip(steps, frees)]
