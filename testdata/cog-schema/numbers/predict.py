from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(
        self,
        steps: int = Input(description="Steps", ge=1, le=100, default=25),
        scale: float = Input(ge=0.5, le=20, default=7.5),
        seed: int = Input(default=-1),
        ratio: float = 0.25,
        strength: float = Input(ge=0, le=1),
        verbose: bool = Input(description="Log more", default=False),
        enabled: bool = True,
    ) -> int:
        return steps
