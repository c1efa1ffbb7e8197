from cog import BasePredictor, Input, Path


class Predictor(BasePredictor):
    def setup(self):
        pass

    def predict(self, image: Path = Input(description="Grayscale input image")) -> Path:
        return image
