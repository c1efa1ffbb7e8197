from cog import BasePredictor, File, Input


class Predictor(BasePredictor):
    def predict(self, data: File = Input(description="A file (deprecated type)"), name: str = "out") -> str:
        return name
