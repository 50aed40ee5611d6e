"""`ResumableModel`: a `keras.Model` whose `.keras` file also holds its random-number state.

Keras saves weights and optimizer variables but not the state of a `keras.random.SeedGenerator`
(neither the model's own nor those of sub-layers such as `Dropout`), so a reloaded GAN, VAE or
diffusion model would draw the same noise again as on its first step, and training after
`course.load_model` would diverge from the run that was never saved. This base class stores
every seed-generator state of the model next to its own variables and restores it on load.
"""

import keras

SEED_PREFIX = "seed_generator_state_"


def seed_states(model):
    """The state variables of every `keras.random.SeedGenerator` in `model` and its sub-layers,
    in a fixed order: the variables Keras documents as in `variables` but not in `weights`."""
    weights = {id(w) for w in model.weights}
    states, seen = [], set()
    for variable in model.variables:
        if id(variable) not in weights and id(variable) not in seen:
            seen.add(id(variable))
            states.append(variable)
    return states


class ResumableModel(keras.Model):
    """Base class: `save_own_variables`/`load_own_variables` also carry the seed-generator states.

    Files written before the states were saved still load (their generators keep the state
    they were constructed with).
    """

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, state in enumerate(seed_states(self)):
            store[f"{SEED_PREFIX}{i}"] = state

    def load_own_variables(self, store):
        keys = set(store.keys())
        saved = {key for key in keys if key.startswith(SEED_PREFIX)}
        states = seed_states(self)
        if saved and len(saved) != len(states):
            raise ValueError(
                f"{type(self).__name__} has {len(states)} seed generators but the file "
                f"stores {len(saved)} seed-generator states"
            )
        super().load_own_variables({key: store[key] for key in keys - saved})
        if saved:
            for i, state in enumerate(states):
                state.assign(store[f"{SEED_PREFIX}{i}"])
