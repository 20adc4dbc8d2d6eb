"""Read TensorBoard event files back into Python: every scalar, histogram and image.

One of minigraph's own tools, not TF1's API (TF1 reads events with
``tf.train.summary_iterator``; TensorBoard with its ``EventAccumulator``, which this uses):
``from minigraph.events import read_events``.
"""

import os

from minigraph.ops.summary_ops import ImageValue
from minigraph.summary import Record, _histogram_value

__all__ = ["read_events", "Record"]


def _png_channels(png):
    """The number of channels of a PNG image (its IHDR's colour type), as TF's colorspace."""
    return {0: 1, 4: 2, 2: 3, 6: 4}.get(png[25], 0) if len(png) > 25 else 0


def read_events(logdir):
    """Every scalar, histogram and image in the event files of ``logdir``, as :class:`Record` s
    sorted by (wall_time, step, tag). Reads through TensorBoard's own ``EventAccumulator``,
    keeping every event (no sampling, no purging of out-of-order steps)."""
    try:
        from tensorboard.backend.event_processing import event_accumulator
    except ImportError as e:
        raise ImportError("read_events needs the `tensorboard` package (%s): "
                          "pip install minigraph[tensorboard]" % e) from e
    keep_all = {kind: 0 for kind in event_accumulator.DEFAULT_SIZE_GUIDANCE}
    acc = event_accumulator.EventAccumulator(os.fspath(logdir), size_guidance=keep_all,
                                             purge_orphaned_data=False)
    acc.Reload()
    tags = acc.Tags()
    out = []
    for tag in tags.get(event_accumulator.SCALARS, ()):
        out.extend(Record(e.step, tag, "scalar", e.value, e.wall_time) for e in acc.Scalars(tag))
    for tag in tags.get(event_accumulator.HISTOGRAMS, ()):
        out.extend(Record(e.step, tag, "histogram", _histogram_value(e.histogram_value),
                          e.wall_time) for e in acc.Histograms(tag))
    for tag in tags.get(event_accumulator.IMAGES, ()):
        out.extend(Record(e.step, tag, "image", ImageValue(
            e.height, e.width, _png_channels(e.encoded_image_string), e.encoded_image_string),
            e.wall_time) for e in acc.Images(tag))
    out.sort(key=lambda r: (r.wall_time, r.step, r.tag))
    return out
