"""Session configuration: ``tf.ConfigProto`` and the options it carries.

TF1 code passes ``config=tf.ConfigProto(...)`` to ``tf.Session``. minigraph runs on one CPU
with numpy, so device placement, GPU memory and thread pools have nothing to configure;
those fields are kept (so TF1 code runs and prints its config) but change nothing. What does
matter is the graph optimizer: with

    config = tf.ConfigProto(graph_options=tf.GraphOptions(
        optimizer_options=tf.OptimizerOptions(opt_level=tf.OptimizerOptions.L0)))

a session runs every op as drawn, with no constant folding, forwarding or cheaper kernels
(see :mod:`minigraph.rewrite`); ``do_constant_folding=False`` turns off only the folding.
The values computed are the same either way; only the time differs.
"""

__all__ = ["ConfigProto", "GraphOptions", "OptimizerOptions", "GPUOptions"]


class OptimizerOptions:
    """How much the session rewrites a plan before running it (``tf.OptimizerOptions``).

    Args:
      opt_level: ``L1`` (the default: all rewrites) or ``L0`` (none).
      do_constant_folding: ``False`` keeps the other rewrites but folds no constants.
      do_common_subexpression_elimination, do_function_inlining, global_jit_level: TF1's
        other fields, accepted; minigraph has no such passes.
    """

    L1 = 0
    L0 = -1
    DEFAULT = 0
    OFF = -1
    ON_1 = 1
    ON_2 = 2

    def __init__(self, opt_level=L1, do_constant_folding=True,
                 do_common_subexpression_elimination=True, do_function_inlining=True,
                 global_jit_level=DEFAULT):
        if opt_level not in (self.L0, self.L1):
            raise ValueError("opt_level must be OptimizerOptions.L0 or L1, got %r"
                             % (opt_level,))
        self.opt_level = opt_level
        self.do_constant_folding = bool(do_constant_folding)
        self.do_common_subexpression_elimination = bool(do_common_subexpression_elimination)
        self.do_function_inlining = bool(do_function_inlining)
        self.global_jit_level = global_jit_level

    def __repr__(self):
        return "OptimizerOptions(opt_level=%s, do_constant_folding=%s)" % (
            "L0" if self.opt_level == self.L0 else "L1", self.do_constant_folding)


class GraphOptions:
    """Graph-level options (``tf.GraphOptions``): the optimizer's."""

    def __init__(self, optimizer_options=None, infer_shapes=False, place_pruned_graph=False,
                 build_cost_model=0, rewrite_options=None):
        self.optimizer_options = optimizer_options or OptimizerOptions()
        self.infer_shapes = infer_shapes
        self.place_pruned_graph = place_pruned_graph
        self.build_cost_model = build_cost_model
        self.rewrite_options = rewrite_options

    def __repr__(self):
        return "GraphOptions(optimizer_options=%r)" % (self.optimizer_options,)


class GPUOptions:
    """``tf.GPUOptions``, accepted for TF1 code; minigraph runs on the CPU only."""

    def __init__(self, allow_growth=False, per_process_gpu_memory_fraction=0.0,
                 visible_device_list=""):
        self.allow_growth = allow_growth
        self.per_process_gpu_memory_fraction = per_process_gpu_memory_fraction
        self.visible_device_list = visible_device_list


class ConfigProto:
    """``tf.ConfigProto``: what ``tf.Session(config=...)`` is given.

    Only ``graph_options`` changes what minigraph does; the device, GPU and thread fields
    are kept for TF1 code and have no effect (one CPU, numpy).
    """

    def __init__(self, graph_options=None, allow_soft_placement=False,
                 log_device_placement=False, gpu_options=None, device_count=None,
                 inter_op_parallelism_threads=0, intra_op_parallelism_threads=0, **unused):
        if unused:
            raise TypeError("ConfigProto got unexpected field(s): %s"
                            % ", ".join(sorted(unused)))
        self.graph_options = graph_options or GraphOptions()
        self.allow_soft_placement = allow_soft_placement
        self.log_device_placement = log_device_placement
        self.gpu_options = gpu_options or GPUOptions()
        self.device_count = dict(device_count or {})
        self.inter_op_parallelism_threads = inter_op_parallelism_threads
        self.intra_op_parallelism_threads = intra_op_parallelism_threads

    def __repr__(self):
        return "ConfigProto(graph_options=%r)" % (self.graph_options,)
