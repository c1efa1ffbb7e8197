from cog import BaseModel, Input, Path


class TrainingOutput(BaseModel):
    weights: Path
    loss: float


def train(
    images: Path = Input(description="A zip of training images"),
    steps: int = Input(ge=10, le=5000, default=1000),
    optimizer: str = Input(choices=["adam", "sgd"], default="adam"),
) -> TrainingOutput:
    return TrainingOutput(weights=Path("w.safetensors"), loss=0.1)
