from typing import Optional

from cog import BasePredictor, Path


class Predictor(BasePredictor):
    def predict(self, text: str) -> Optional[Path]:
        return None
