"""``tf.train``: optimizers, the global step, and checkpoints (``Saver``).

    optimizer = tf.train.GradientDescentOptimizer(0.1)
    train_op = optimizer.minimize(loss)        # builds ONE op; nothing runs yet
    sess.run(tf.global_variables_initializer()) # after minimize: it also sets the slots
    for _ in range(100):
        loss_value, _ = sess.run([loss, train_op], feed_dict)   # fetch the train op!
"""

from minigraph.saver import Saver, checkpoint_exists, get_checkpoint_state, latest_checkpoint
from minigraph.train.adadelta import AdadeltaOptimizer
from minigraph.train.adagrad import AdagradOptimizer
from minigraph.train.adam import AdamOptimizer
from minigraph.train.gradient_descent import GradientDescentOptimizer
from minigraph.train.momentum import MomentumOptimizer
from minigraph.train.optimizer import Optimizer
from minigraph.train.rmsprop import RMSPropOptimizer
from minigraph.train.summary_iterator import summary_iterator
from minigraph.train.training_util import (assert_global_step, create_global_step,
                                           get_global_step, get_or_create_global_step,
                                           global_step)

__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer",
           "RMSPropOptimizer", "AdagradOptimizer", "AdadeltaOptimizer", "get_global_step",
           "create_global_step", "get_or_create_global_step", "global_step",
           "assert_global_step", "Saver", "latest_checkpoint", "get_checkpoint_state",
           "checkpoint_exists", "summary_iterator"]
