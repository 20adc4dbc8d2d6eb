"""``tf.train.summary_iterator``: the events of one event file, as ``Event`` protos.

    for event in tf.train.summary_iterator(path):       # path: one events.out.tfevents.* file
        for value in event.summary.value:                # empty for the file-version and graph events
            print(event.step, value.tag, value.simple_value)

The protos are ``tensorboard``'s copies of TF's ``Event`` and ``Summary`` (the same fields),
read with TensorBoard's own record reader; like ``FileWriter``, it needs the ``tensorboard``
package (``pip install minigraph[tensorboard]``).
"""

import os

from minigraph.errors import NotFoundError

__all__ = ["summary_iterator"]


def summary_iterator(path):
    """``tf.train.summary_iterator(path)``: an iterator over the ``Event`` protos of the event
    file ``path``, in the order they were written: first the file-version event, then the
    graph (if the writer was given one), then one event per ``add_summary``. A missing file is
    a ``NotFoundError``, as in TF1."""
    try:
        from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
        from tensorboard.compat.proto import event_pb2
    except ImportError as e:
        raise ImportError("tf.train.summary_iterator reads TensorBoard event files and needs "
                          "the `tensorboard` package (%s): pip install minigraph[tensorboard]"
                          % e) from e
    path = os.fspath(path)
    return _events(path, RawEventFileLoader, event_pb2.Event)


def _events(path, loader, event):
    # a generator, so that a missing file fails at the first next(), as TF1's does
    if not os.path.isfile(path):
        raise NotFoundError(None, None, "%s; No such file or directory (summary_iterator "
                                        "takes the path of one event file, not a directory)"
                            % path)
    for record in loader(path).Load():
        yield event.FromString(record)
