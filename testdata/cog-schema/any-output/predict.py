from typing import Any

from cog import BasePredictor


class Predictor(BasePredictor):
    def predict(self, key: str = "a") -> Any:
        return {key: 1}
