from cog import BasePredictor, Input

SCHEDULERS = ["DDIM", "K_EULER", "DPMSolverMultistep"]
DEFAULT_SCHEDULER = "K_EULER"
SIZES = [512, 768, 1024]
MAX_STEPS = 50
DESCRIPTION = "Width of the output image"


class Predictor(BasePredictor):
    def predict(
        self,
        scheduler: str = Input(description="Scheduler", choices=SCHEDULERS, default=DEFAULT_SCHEDULER),
        width: int = Input(description=DESCRIPTION, choices=SIZES, default=SIZES[1]),
        steps: int = Input(ge=1, le=MAX_STEPS, default=MAX_STEPS // 2),
        mode: str = Input(choices=("fast", "slow")),
    ) -> str:
        return scheduler
