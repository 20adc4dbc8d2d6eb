"""What asking for a TF1 name minigraph does not have says.

A TF1 program found on the web may call something minigraph has not got, e.g.
``tf.estimator.DNNClassifier`` or ``tf.nn.conv3d``. Python's own error, "module 'minigraph.nn'
has no attribute 'conv3d'", leaves a student wondering whether they misspelt it. So each of
minigraph's TF1 namespaces gets a module ``__getattr__`` (PEP 562; Python calls it only for a
name the module does not have) that tells the two cases apart:

* a name TF1 has there (listed in :mod:`minigraph._tf1_names`, written from real TensorFlow
  by tests/tf_reference/generate_tf1_names.py)::

      AttributeError: module 'minigraph.nn' has no attribute 'conv3d': TF1's tf.nn.conv3d is
      not in minigraph (yet). ...

* any other name, and every ``_private`` or ``__dunder__`` one (which IPython, ``hasattr``,
  ``copy`` and ``inspect`` probe all the time): Python's usual AttributeError, unchanged.

Both are ``AttributeError``, so ``hasattr(tf, "estimator")`` is simply False.
"""

import sys
import types

from minigraph._tf1_names import NAMES

__all__ = ["tf1_names", "install", "missing_error"]

_SPLIT = {}


def tf1_names(space):
    """The names TF1 has in ``tf.<space>`` (``""`` is ``tf`` itself), as a frozenset; empty
    for a namespace that is not recorded."""
    if space not in _SPLIT:
        _SPLIT[space] = frozenset(NAMES.get(space, "").split())
    return _SPLIT[space]


def _attribute_error(message, name, obj):
    try:   # Python 3.10+: keeps "Did you mean ...?" suggestions for misspelt names
        return AttributeError(message, name=name, obj=obj)
    except TypeError:
        return AttributeError(message)


def missing_error(module, space, name):
    """The AttributeError for ``tf.<space>.<name>`` looked up on ``module``, which lacks it."""
    usual = "module %r has no attribute %r" % (module.__name__, name)
    if name.startswith("_") or name not in tf1_names(space):
        return _attribute_error(usual, name, module)
    public = ".".join(filter(None, ("tf", space, name)))
    return _attribute_error(
        "%s: TF1's %s is not in minigraph (yet). minigraph runs a part of TF1's API; "
        "\"Running TF1 code you found\" in its README lists what is there and what is not."
        % (usual, public), name, module)


def _make_getattr(module, space, previous):
    def __getattr__(name):
        if previous is not None and not name.startswith("__"):
            try:
                return previous(name)   # the module's own __getattr__, if it had one
            except AttributeError:
                pass
        raise missing_error(module, space, name)
    __getattr__.tf1_namespace = space
    return __getattr__


def _resolve(root, space):
    """``tf.<space>`` as plain attribute lookups, without calling any ``__getattr__``."""
    obj = root
    for part in filter(None, space.split(".")):
        obj = getattr(obj, "__dict__", {}).get(part)
        if obj is None:
            return None
    return obj


def install(root=None):
    """Give every TF1 namespace minigraph has (``tf``, ``tf.nn``, ``tf.keras.layers``...) the
    ``__getattr__`` above. ``root`` is the minigraph package; the outer namespace wins when
    one module is reachable under two names (``tf.flags`` is ``tf.app.flags``)."""
    root = root or sys.modules["minigraph"]
    installed = {}
    for space in sorted(NAMES, key=lambda s: (s.count("."), s)):
        module = _resolve(root, space)
        if not isinstance(module, types.ModuleType) or \
                not module.__name__.startswith("minigraph"):
            continue
        current = module.__dict__.get("__getattr__")
        if getattr(current, "tf1_namespace", None) is not None:
            continue                      # already done, under this or an outer name
        module.__getattr__ = _make_getattr(module, space, current)
        installed[space] = module
    return installed
