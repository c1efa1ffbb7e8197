from typing import Dict, List, Optional

from cog import BaseModel, BasePredictor, Input, Secret


class Box(BaseModel):
    """A bounding box.

    Pixel coordinates.
    """

    x: int
    y: int


class Result(BaseModel):
    boxes: List[Box]
    best: Optional[Box] = None
    scores: Dict[str, float] = {}
    meta: dict


class Predictor(BasePredictor):
    def predict(
        self,
        token: Secret = Input(description="Token", default="hunter2"),
        threshold: float = Input(default=0.5, ge=0.0, le=1.0),
        tags: List[str] = Input(min_length=1, max_length=3, default=["a"]),
    ) -> Result:
        return Result(boxes=[], meta={})
