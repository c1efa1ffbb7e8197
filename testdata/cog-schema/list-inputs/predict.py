from typing import List

from cog import BasePredictor, Input, Path


class Predictor(BasePredictor):
    def predict(
        self,
        prompts: List[str] = Input(description="Prompts"),
        sizes: List[int] = Input(default=[256, 512]),
        images: List[Path] = Input(description="Images", default=None),
        weights: list[float] = Input(default=None),
    ) -> List[Path]:
        return images
