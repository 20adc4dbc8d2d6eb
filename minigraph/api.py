"""The public names of the op functions: which function is ``tf.add``, ``tf.nn.relu``,
``tf.math.softplus``.

A function is exported where it is defined, by the one line that also registers its op:
``@register("math.softplus", "nn.softplus")`` on an op class whose function is generated from
the class (the elementwise ops), or ``@export("matmul", "linalg.matmul")`` on a function written
by hand. A name without a dot is ``tf.<name>``; ``"nn.relu"`` is ``tf.nn.relu``. The namespace
modules (``minigraph`` itself, :mod:`minigraph.nn`, :mod:`minigraph.math`,
:mod:`minigraph.linalg`) fill themselves from here, so a new op needs no edit anywhere else;
``tests/test_ops.py`` checks that every name is there and that TF1 has it too.
"""

__all__ = ["export", "exported", "NAMESPACES"]

#: the namespaces op functions are exported to ("" is ``tf`` itself)
NAMESPACES = ("", "nn", "math", "linalg")

# namespace -> {name: function}
_EXPORTS = {space: {} for space in NAMESPACES}


def export(*names):
    """Decorator: make the function ``tf.<name>`` for each of ``names`` (``"nn.relu"`` is
    ``tf.nn.relu``). Returns the function unchanged."""
    def decorate(fn):
        for full in names:
            space, _, name = full.rpartition(".")
            if space not in _EXPORTS:
                raise ValueError("tf.%s: unknown namespace %r (one of %s)"
                                 % (full, space, ", ".join(repr(s) for s in NAMESPACES)))
            table = _EXPORTS[space]
            if table.get(name, fn) is not fn:
                raise ValueError("tf.%s is exported twice" % full)
            table[name] = fn
        return fn
    return decorate


def exported(space):
    """``{name: function}`` of what is exported to ``space`` ("" for ``tf``, "nn", "math",
    "linalg"). The op modules must have been imported (``import minigraph.ops``)."""
    return dict(_EXPORTS[space])
