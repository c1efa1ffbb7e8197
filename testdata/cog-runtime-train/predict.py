from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(self, text: str = Input(description="Echoed back", default="x")) -> str:
        return text
