from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(
        self,
        code: str = Input(description="Hex colour", regex=r"^#[0-9a-f]{6}$", default="#000000"),
        name: str = Input(min_length=1, max_length=32),
        note: str = Input(default="", max_length=200),
    ) -> str:
        return code
