from cog import BasePredictor, ConcatenateIterator, Input


class Predictor(BasePredictor):
    def predict(self, n: int = Input(description="How many tokens", ge=1, le=10, default=3)) -> ConcatenateIterator[str]:
        for i in range(n):
            yield f"tok{i} "
