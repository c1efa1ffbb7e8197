import tempfile

from cog import BasePredictor, Input, Path


class Predictor(BasePredictor):
    def predict(self, text: str = Input(description="What the file holds", default="hello")) -> Path:
        out = Path(tempfile.mkdtemp()) / "out.txt"
        out.write_text(text)
        return out
