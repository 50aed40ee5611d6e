"""Questions of assignment hw5_optim: optimizer steps, learning-rate schedules, gradient clipping.

The wheel holds what a student's check needs: each question's points and rules and the visible
cases (stored data, `course.homework.visible`). The hidden cases and their references (Keras'
optimizers and schedules, TensorFlow's clipping ops) live with the instructor's sources.
"""

from course.homework.engine import question

question("opt.sgd_momentum", points=2, scratch=True)
question("opt.rmsprop", points=2, scratch=True)
question("opt.adam", points=3, scratch=True)
question("opt.exponential_decay", points=1, scratch=True)
question("opt.cosine_decay", points=2, scratch=True)
question("opt.clip_by_norm", points=1, scratch=True)
question("opt.clip_by_global_norm", points=2, scratch=True)
