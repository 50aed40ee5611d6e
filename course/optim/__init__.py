"""Optimizers written from scratch as Keras `Optimizer` subclasses, each following the same
trajectory as its Keras built-in; learning-rate schedules; toy 2-D landscapes to watch them on.

`SGD` (momentum, Nesterov), `RMSprop`, `Adam` (AMSGrad), `AdamW` (decoupled weight decay), all
`CourseOptimizer`s (their shared base, to subclass for a new one);
`course.optim.schedules` and `course.optim.landscapes`.
"""

from course.optim import landscapes, schedules
from course.optim._base import CourseOptimizer
from course.optim.adam import Adam
from course.optim.adamw import AdamW
from course.optim.rmsprop import RMSprop
from course.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CourseOptimizer",
    "RMSprop",
    "landscapes",
    "schedules",
]
