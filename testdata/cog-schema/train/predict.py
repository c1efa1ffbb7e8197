from cog import BasePredictor, Input, Path


class Predictor(BasePredictor):
    def predict(self, prompt: str = Input(description="Prompt"), lora: Path = Input(default=None)) -> str:
        return prompt
