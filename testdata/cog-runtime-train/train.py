import tempfile

from cog import BaseModel, Input, Path


class TrainingOutput(BaseModel):
    weights: Path
    steps: int


def train(steps: int = Input(description="Training steps", ge=1, le=100, default=10)) -> TrainingOutput:
    weights = Path(tempfile.mkdtemp()) / "weights.txt"
    weights.write_text(f"trained for {steps} steps")
    return TrainingOutput(weights=weights, steps=steps)
