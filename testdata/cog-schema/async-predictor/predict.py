from cog import BasePredictor, Input


class Predictor(BasePredictor):
    async def predict(self, prompt: str = Input(description="Prompt", default="hi")) -> str:
        return prompt
