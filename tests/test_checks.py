"""The lessons' "check yourself" helpers must pass right answers and fail wrong ones, and a
failed check must tell the student what is wrong and give a hint (``CheckFailed``)."""

import pytest

import minigraph as tf
from widgets import checks
from minigraph.trace import of as trace_of


def model():
    x = tf.placeholder(tf.float32, (2, 3), name="x")
    w = tf.Variable(tf.ones((3, 1)), name="w")
    loss = tf.reduce_sum(tf.matmul(x, w), name="loss")
    (g,) = tf.gradients(loss, [w])
    update = w.assign_sub(0.1 * g)
    return x, w, loss, g, update


def test_update_is_reached():
    x, w, loss, g, update = model()
    assert not checks.update_is_reached([loss])
    assert checks.update_is_reached([loss, update])
    with pytest.raises(checks.CheckFailed, match="would not run") as failed:
        checks.check(checks.update_is_reached([loss]))
    assert str(failed.value).splitlines()[1] == \
        "Hint: fetch them (or a group of them) together with the loss"
    assert checks.check(checks.update_is_reached([loss, update]))


def test_has_variables():
    model()
    assert checks.has_variables(["w"])
    assert not checks.has_variables(["w", "b"])


def _run_of_loss():
    """The model, and the trace of a TF1-form traced run of its loss alone."""
    x, w, loss, g, update = model()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    md = tf.RunMetadata()
    sess.run(loss, {x: [[1, 2, 3], [4, 5, 6]]}, run_metadata=md,
             options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE))
    return w, loss, update, trace_of(md)


def test_ran_and_pruned_read_a_trace():
    w, loss, update, run = _run_of_loss()
    assert checks.ran(run, loss) and not checks.ran(run, update)
    assert checks.pruned(run, update) and not checks.pruned(run, loss)


def test_gradient_of_and_op_types_between():
    x, w, loss, g, update = model()
    assert checks.gradient_of(g, loss)
    assert not checks.gradient_of(loss, loss)
    assert checks.op_types_between(loss, x) == ["MatMul", "Sum"]


def test_wrote_reads_the_variables_a_run_wrote():
    x, w, loss, g, update = model()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    feed = {x: [[1, 2, 3], [4, 5, 6]]}
    full = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    md = tf.RunMetadata()
    sess.run([loss, update], feed, options=full, run_metadata=md)
    assert checks.wrote(trace_of(md), ["w"]) and checks.wrote(trace_of(md), [w])
    md = tf.RunMetadata()
    sess.run(loss, feed, options=full, run_metadata=md)
    verdict = checks.wrote(trace_of(md), [w])
    assert not verdict and "did not write w" in verdict.message


def test_crossed_reads_the_bytes_and_feeds_of_a_run():
    x, w, loss, g, update = model()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    md = tf.RunMetadata()
    feed = {x: [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]}  # float64 in, converted to float32
    # fetch the assign as an op: its output tensor would bring the new w back out
    sess.run([loss, update.op], feed,
             options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
    assert checks.crossed(trace_of(md), fed=[x], bytes_fed=2 * 3 * 4, bytes_fetched=4)
    assert checks.crossed(trace_of(md), fed=["x"])
    verdict = checks.crossed(trace_of(md), fed=[x, w], bytes_fetched=8)
    assert not verdict and "not ['w', 'x']" in verdict.message and "4 bytes came out" in \
        verdict.message


def test_placeholders_needed_plans_without_running():
    x, w, loss, g, update = model()
    y = tf.placeholder(tf.float32, (2, 1), name="y")
    err = tf.reduce_sum((tf.matmul(x, w) - y) ** 2, name="err")
    assert checks.placeholders_needed(loss, [x])
    assert checks.placeholders_needed([err], ["x", "y:0"])
    verdict = checks.placeholders_needed(err, [x])
    assert not verdict and "also needs y" in verdict.message
    verdict = checks.placeholders_needed(loss, [x, y])
    assert not verdict and "does not need y" in verdict.message
    with pytest.raises(AssertionError, match="also needs y"):
        checks.check(checks.placeholders_needed(err, [x]))


def test_allclose_checks_shape_and_values():
    verdict = checks.allclose([1.0, 2.0], [1.0, 2.0 + 1e-9], name="grad_h")
    assert verdict and verdict.message == "grad_h matches the expected values"
    assert not checks.allclose([1.0, 2.0], [1.0, 2.1])
    verdict = checks.allclose([[1.0, 2.0]], [1.0, 2.0], name="grad_h")
    assert not verdict and "shape (1, 2)" in verdict.message
    assert not checks.allclose(None, [1.0])


def test_summary_steps_counts_the_steps_of_one_tag():
    from minigraph.summary import Record
    records = [Record(s, "loss", "scalar", 1.0, 0.0) for s in range(3)]
    assert checks.summary_steps(records, "loss", range(3))
    assert not checks.summary_steps(records, "loss", range(4))
    twice = checks.summary_steps(records + records, "loss", range(3))
    assert not twice and "more than once" in twice.message
    missing = checks.summary_steps(records, "accuracy", range(3))
    assert not missing and "['loss']" in missing.message


# --- check() itself: the green line, and CheckFailed's two lines ----------------------------

@pytest.fixture
def shown(monkeypatch):
    """What check() displays (the green line's HTML)."""
    out = []
    monkeypatch.setattr(checks, "display", lambda obj: out.append(obj.data))
    return out


def test_check_shows_a_green_line_and_returns_the_verdict(shown):
    verdict = checks.Verdict(True, "the <graph> is right")
    assert checks.check(verdict) is verdict
    assert checks.check(1 + 1 == 2, "two is two") is True
    assert len(shown) == 2 and all("color:#1e8449" in html for html in shown)
    assert "&#10003; the &lt;graph&gt; is right" in shown[0] and "two is two" in shown[1]


def test_a_failed_check_says_what_is_wrong_and_a_hint_on_two_lines(shown):
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check(False, "e is 1", hint="e_value is 0.0, not 1; compute (a - b) ** 2")
    assert isinstance(failed.value, AssertionError)      # nbgrader: the check cell failed
    assert str(failed.value) == "Not yet: e_value is 0.0, not 1\nHint: compute (a - b) ** 2"
    assert (failed.value.what, failed.value.hint) == ("e_value is 0.0, not 1",
                                                      "compute (a - b) ** 2")
    assert shown == []                                   # no green line, and not the success
    assert "e is 1" not in str(failed.value)             # text, which may give the answer


def test_a_verdicts_message_is_what_is_wrong_and_its_hint_or_the_lessons_is_the_hint():
    verdict = checks.Verdict(False, "the loss is flat", hint="fetch the update")
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check(verdict)
    assert str(failed.value) == "Not yet: the loss is flat\nHint: fetch the update"
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check(verdict, "it learns", hint="look at the drawing")
    assert str(failed.value) == "Not yet: the loss is flat\nHint: look at the drawing"


@pytest.mark.parametrize("verdict, hint", [
    (False, None), (False, ""), (False, "   "), (0, None),
    (checks.Verdict(False, ""), None), (checks.Verdict(False, None), ""),
    (False, "only what is wrong"),
])
def test_a_failed_check_never_has_an_empty_message(verdict, hint):
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check(verdict, "success", hint=hint)
    what, tip = str(failed.value).split("\n")
    assert what.startswith("Not yet: ") and len(what) > len("Not yet: ") + 5
    assert tip.startswith("Hint: ") and len(tip) > len("Hint: ") + 5
    if hint == "only what is wrong":
        assert what == "Not yet: only what is wrong" and tip == "Hint: " + checks.DEFAULT_HINT


def test_checks_of_a_run_give_a_hint():
    w, loss, update, run = _run_of_loss()
    for verdict in (checks.ran(run, update), checks.pruned(run, loss),
                    checks.wrote(run, [w]), checks.allclose(None, [1.0])):
        with pytest.raises(checks.CheckFailed) as failed:
            checks.check(verdict)
        assert failed.value.hint != checks.DEFAULT_HINT, verdict


def test_set_matches_counts_wrong_and_missing_items_without_naming_them():
    truth = {"Const", "Mul", "Add"}
    assert checks.set_matches({"Add", "Mul", "Const"}, truth)
    assert checks.set_matches(["Add", "Mul", "Const"], truth)
    verdict = checks.set_matches({"Placeholder", "Mul", "Add"}, truth, "predicted_types")
    assert not verdict and verdict.message == \
        "predicted_types is not right yet: 1 of its 3 items should not be there, and 1 missing"
    assert "Const" not in verdict.message and "Placeholder" not in verdict.message
    assert checks.set_matches(set(), truth).message.endswith("3 missing")
    for answer in (None, "Mul", 3):
        verdict = checks.set_matches(answer, truth, "predicted_types")
        assert not verdict and "not a set" in verdict.message and verdict.hint
