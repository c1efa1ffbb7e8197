from cog import BaseModel, BasePredictor, Input


class Output(BaseModel):
    text: str
    count: int
    scaled: float
    shout: bool


class Predictor(BasePredictor):
    def setup(self) -> None:
        self.joiners = {"space": " ", "dash": "-"}

    def predict(
        self,
        text: str = Input(description="Text to repeat", default="hi"),
        count: int = Input(description="How many times", ge=1, le=5, default=2),
        scale: float = Input(description="Multiplies count", ge=0.0, le=10.0, default=1.5),
        shout: bool = Input(description="Upper-case the result", default=False),
        joiner: str = Input(description="What goes between repeats", choices=["space", "dash"], default="space"),
    ) -> Output:
        repeated = self.joiners[joiner].join([text] * count)
        return Output(text=repeated.upper() if shout else repeated, count=count, scaled=scale * count, shout=shout)
