from cog import BasePredictor


class Predictor(BasePredictor):
    def predict(self, key: str) -> dict:
        return {key: 1}
