from cog import BasePredictor


class Predictor(BasePredictor):
    def predict(self, text: str = "world") -> str:
        return f"hello, {text}"
