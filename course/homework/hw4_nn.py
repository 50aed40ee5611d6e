"""Questions of assignment hw4_nn: activations and derivatives, losses, backprop by hand, init.

The wheel holds what a student's check needs: each question's points and rules and the visible
cases (stored data, `course.homework.visible`). The hidden cases and their references (SciPy's
closed forms, finite differences) live with the instructor's sources (`grading.py`).
"""

from course.homework.engine import question

SCIPY = ("scipy",)  # scipy.special has expit, softmax and log_softmax: the references, not answers

question("nn.sigmoid", points=1, scratch=True, blocked=SCIPY)
question("nn.sigmoid_grad", points=1, scratch=True, blocked=SCIPY)
question("nn.tanh_grad", points=1, scratch=True)
question("nn.softmax", points=2, scratch=True, blocked=SCIPY)
question("nn.cross_entropy", points=2, scratch=True, blocked=SCIPY)
question("nn.dense_backward", points=3, scratch=True)
question("nn.he_std", points=1, scratch=True)
question("nn.glorot_limit", points=1, scratch=True)
