from typing import Optional

from pydantic import BaseModel

from cog import BasePredictor, Path


class Detection(BaseModel):
    label: str
    confidence: float
    mask: Optional[Path]


class Predictor(BasePredictor):
    def predict(self, image: Path) -> Detection:
        return Detection(label="cat", confidence=0.9, mask=None)
