from cog import BasePredictor


class Predictor(BasePredictor):
    def predict(self, x: float, y: float) -> float:
        return x * y
