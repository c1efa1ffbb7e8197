from cog import BasePredictor, Input, Path
from lib.types import DEFAULT_QUALITY, QUALITIES, Output


class Predictor(BasePredictor):
    def predict(
        self,
        clip: Path = Input(description="Input clip"),
        quality: str = Input(choices=QUALITIES, default=DEFAULT_QUALITY),
    ) -> Output:
        return Output(video=clip, thumbnail=clip, seconds=1.0)
