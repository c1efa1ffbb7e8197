from typing import List

from cog import BasePredictor


class Predictor(BasePredictor):
    def predict(self, n: int = 2) -> List[int]:
        return list(range(n))
