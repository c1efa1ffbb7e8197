from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(
        self,
        text: str = Input(description="Who to greet", default="world"),
        punctuation: str = "!",
        prefix: str = Input(description="Required, no default"),
    ) -> str:
        return prefix + text + punctuation
