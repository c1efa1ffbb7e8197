import typing

import cog
from cog import BasePredictor


class Predictor(BasePredictor):
    def predict(
        self,
        image: cog.Path = cog.Input(description="Image"),
        masks: typing.List[cog.Path] = cog.Input(description="Masks", default=None),
    ) -> typing.Iterator[cog.Path]:
        yield image
