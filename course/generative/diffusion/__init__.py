"""Diffusion models (Session 7 section 2.3): noise schedules, a small U-Net, the `DiffusionModel`
(DDPM training, EMA, classifier-free guidance) and the DDPM/DDIM samplers."""

from course.generative.diffusion.model import DiffusionModel
from course.generative.diffusion.samplers import SAMPLERS, ddim_step, ddpm_step, sampling_timesteps
from course.generative.diffusion.schedules import (
    SCHEDULES,
    NoiseSchedule,
    cosine_betas,
    linear_betas,
)
from course.generative.diffusion.unet import SinusoidalEmbedding, TimeResidualBlock, build_unet

__all__ = [
    "DiffusionModel",
    "NoiseSchedule",
    "SCHEDULES",
    "SAMPLERS",
    "SinusoidalEmbedding",
    "TimeResidualBlock",
    "build_unet",
    "cosine_betas",
    "linear_betas",
    "ddim_step",
    "ddpm_step",
    "sampling_timesteps",
]
