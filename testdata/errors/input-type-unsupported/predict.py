from typing import Optional

from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(
        self,
        seed: Optional[int] = Input(description="Random seed", default=None),
    ) -> str:
        return str(seed)
