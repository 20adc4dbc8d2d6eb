"""The global step: one integer variable counting training steps (``tf.train.*global_step``).

``minimize(loss, global_step=step)`` adds one to it each time the train op runs, after the
updates. Learning-rate schedules and checkpoints read it.
"""

from minigraph import dtypes
from minigraph.graph import GraphKeys, Tensor, get_default_graph
from minigraph.ops.array_ops import zeros
from minigraph.variables import Variable

__all__ = ["get_global_step", "create_global_step", "get_or_create_global_step",
           "global_step", "assert_global_step"]


def global_step(sess, global_step_tensor):
    """``tf.train.global_step``: the step's current value in ``sess``, as a Python int."""
    return int(sess.run(global_step_tensor))


def assert_global_step(global_step_tensor):
    """Raise ``TypeError`` unless ``global_step_tensor`` is a scalar integer variable or
    tensor."""
    if not isinstance(global_step_tensor, (Variable, Tensor)):
        raise TypeError("Existing \"global_step\" must be a Variable or Tensor: %s."
                        % (global_step_tensor,))
    if not global_step_tensor.dtype.is_integer:
        raise TypeError("Existing \"global_step\" does not have integer type: %s"
                        % global_step_tensor.dtype)
    shape = global_step_tensor.shape
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError("Existing \"global_step\" is not scalar: %s" % shape)


def get_global_step(graph=None):
    """``tf.train.get_global_step``: the variable in ``GraphKeys.GLOBAL_STEP`` (or the
    tensor named ``global_step:0``), or None if there is none."""
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) == 1:
        step = found[0]
    elif not found:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except KeyError:
            return None
    else:
        # TF1 logs an error and returns None
        return None
    assert_global_step(step)
    return step


def create_global_step(graph=None):
    """``tf.train.create_global_step``: a new int64 scalar variable named ``global_step``,
    starting at 0, not trainable, in ``GLOBAL_VARIABLES`` and ``GLOBAL_STEP``.

    Raises ``ValueError`` if the graph already has one.
    """
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError("\"global_step\" already exists.")
    # made at the root of the names, whatever scope we are called from
    with graph.as_default(), graph.name_scope(None):
        return Variable(lambda: zeros([], dtype=dtypes.int64), name=GraphKeys.GLOBAL_STEP,
                        trainable=False,
                        collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """``tf.train.get_or_create_global_step``: the graph's global step, created if needed."""
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    if step is None:
        step = create_global_step(graph)
    return step
