"""The widgets in Korean: real widgets built with the language set to Korean show Korean
labels, and English again once it is set back (tests/test_i18n.py holds the catalog,
widgets/locale/ko.widgets.json, against the strings the widgets mark).
"""

import inspect
from pathlib import Path

import numpy as np
import pytest

import minigraph as tf
from minigraph import rewrite
from widgets import (FeedVsVariables, GradientCheckView, GraphExplorer, RunStepper,
                     TrainingDashboard, VariableTimeline, i18n)
from widgets import _common, run_stepper as rs_module

WIDGETS = Path(i18n.__file__).resolve().parent
@pytest.fixture
def in_korean():
    i18n.set_language("ko")
    try:
        yield
    finally:
        i18n.set_language("en")


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language("en")
    assert i18n.get_language() == "en"


def small_net():
    x = tf.placeholder(tf.float32, shape=(2, 3), name="x")
    w = tf.Variable(np.array([[0.1], [0.4], [0.7]], np.float32), name="w")
    h = tf.maximum(tf.matmul(x, w), 0, name="h")
    loss = tf.reduce_mean((h - 1.0) ** 2, name="loss")
    g, = tf.gradients(loss, [w])
    train = tf.group(w.assign(w - 0.1 * g), name="train")
    feed = {x: np.arange(6.0).reshape(2, 3) / 6}
    return dict(x=x, w=w, loss=loss, g=g, train=train, feed=feed)


def test_the_untraced_run_notes_are_the_texts_minigraph_gives():
    """The stepper translates the fast path's role texts it knows; each must still be one
    that ``Rewrites.role`` returns (else it would silently stay English)."""
    source = " ".join(inspect.getsource(rewrite.Rewrites.role).split())
    source = source.replace('" "', "")          # implicit concatenation of literals
    assert rs_module.UNTRACED_ROLES
    for english in rs_module.UNTRACED_ROLES:
        assert english in source, english
        assert rs_module._untraced_text(english) == english
        assert english in i18n.marked_templates(WIDGETS / "run_stepper.py")


# ------------------------------------------------------------------------------------------
# real widgets
# ------------------------------------------------------------------------------------------

def _stepper_and_explorer():
    """A RunStepper and a GraphExplorer on a new small net, built in the language set now."""
    tf.reset_default_graph()
    m = small_net()
    return (RunStepper([m["loss"], m["g"]], feed_dict=m["feed"]),
            GraphExplorer(feed_dict=m["feed"]))


def test_the_stepper_and_the_explorer_speak_korean_then_english_again(in_korean):
    rs, ge = _stepper_and_explorer()
    assert (rs.prev_button.description, rs.next_button.description,
            rs.reset_button.description, rs.slider.description) == ("이전", "다음", "초기화", "스텝")
    assert "스텝 1 / %d: 순전파" % len(rs.steps) in rs.label.value
    assert "<b>입력</b>" in rs.details.value and "<b>출력</b>" in rs.details.value
    rs.slider.value = len(rs.steps) - 1
    assert "역전파" in rs.label.value and "의 그래디언트" in rs.details.value
    assert ge.run_button.description == "실행"
    assert ge.direction.options[0][0] == "순전파"
    assert "실행하면: 연산" in ge.status.value
    for box in ge.fetch_boxes.values():
        box.value = False
    ge.run_button.click()
    assert "실행하기 전에 페치를 하나 이상 선택하세요." in ge.error.value
    assert rs.last_error is None

    i18n.set_language("en")
    rs, ge = _stepper_and_explorer()
    assert (rs.prev_button.description, rs.next_button.description,
            rs.reset_button.description, rs.slider.description) == ("Prev", "Next", "Reset", "step")
    assert "step 1 / %d: forward" % len(rs.steps) in rs.label.value
    assert "<b>inputs</b>" in rs.details.value
    assert ge.run_button.description == "Run" and ge.direction.options[0][0] == "forward"
    assert "a run would: " in ge.status.value


def test_the_other_widgets_speak_korean(in_korean):
    m = small_net()
    td = TrainingDashboard(m["loss"], m["train"], m["feed"], steps=2)
    assert (td.train_button.description, td.reset_button.description) == ("학습", "초기화")
    assert td.lr_slider.description == "학습률"
    assert "아직 스텝이 없습니다" in td.info.value
    td.train_button.click()
    assert "지금까지 2 스텝" in td.info.value and td.last_error is None
    vt = VariableTimeline([m["w"]], _common.ensure_session(None, m["w"].graph),
                          feed_dict=m["feed"])
    vt.run_button.click()
    assert vt.run_button.description == "한 번 실행"
    assert "실행 1회 기록됨" in vt.notes.value and "피드 없이 페치하면 실패합니다" in vt.notes.value
    gv = GradientCheckView(m["loss"], [m["w"]], m["feed"])
    assert gv.check_button.description == "검사"
    assert "모든 그래디언트가 중앙 차분과 일치합니다" in gv.summary.value
    assert "<th style='padding:2px 8px'>노드</th>" in gv.table.value
    fv = FeedVsVariables(sizes=[(2, 3, 2)], steps=2)
    assert fv.run_button.description == "실행" and "측정하려면 실행을 누르세요" in fv.table.value
    fv.size_select.value = ()
    fv.run_button.click()
    assert "크기를 하나 이상 선택하세요." in fv.error.value


def test_english_is_the_default_and_unchanged():
    assert i18n.get_language() == "en"
    m = small_net()
    td = TrainingDashboard(m["loss"], m["train"], m["feed"], steps=2)
    assert td.info.value == "<div>no steps yet: press Train or Step</div>"
    fv = FeedVsVariables(sizes=[(2, 3, 2)], steps=2)
    assert fv.table.value == "<i>press Run to measure</i>"
    vt = VariableTimeline([m["w"]], _common.ensure_session(None, m["w"].graph),
                          feed_dict=m["feed"])
    assert vt.notes.value == "<div>0 runs recorded</div>"
    ge = GraphExplorer()
    ge.run_button.click()
    assert ("'x' is ticked as fed but feed_dict has no value for it; pass feed_dict={x: ...} "
            "to GraphExplorer.") in ge.error.value.replace("&#x27;", "'")
