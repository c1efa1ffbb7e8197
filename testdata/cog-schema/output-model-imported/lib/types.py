from cog import BaseModel, Path

QUALITIES = ["low", "medium", "high"]
DEFAULT_QUALITY = "medium"


class Output(BaseModel):
    video: Path
    thumbnail: Path
    seconds: float
