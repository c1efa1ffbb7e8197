from typing import Union

from cog import BasePredictor, Input, Path


class Predictor(BasePredictor):
    def predict(self, value: Union[str, int] = Input(description="A string or a number"), source: Union[Path, str] = "x") -> str:
        return str(value)
