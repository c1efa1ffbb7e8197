from typing import Literal

from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(
        self,
        size: Literal["small", "large"] = Input(description="Model size", default="small"),
        level: Literal[1, 2, 3] = 2,
    ) -> str:
        return size
