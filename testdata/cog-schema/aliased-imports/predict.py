from typing import List as L

from cog import BasePredictor as Base
from cog import Input as I
from cog import Path as CogPath


class Predictor(Base):
    def predict(self, files: L[CogPath] = I(description="Files"), caption: str = I(default="a " + "b")) -> L[str]:
        return [caption]
