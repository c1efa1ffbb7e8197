from collections.abc import Iterator

from cog import BasePredictor, Path


class Predictor(BasePredictor):
    def predict(self, frames: int = 2) -> Iterator[Path]:
        for i in range(frames):
            yield Path(f"/tmp/{i}.png")
