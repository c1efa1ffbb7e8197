from typing import List, Optional

from cog import BaseModel, BasePredictor, Path


class Output(BaseModel):
    text: str
    image: Path
    score: Optional[float] = None
    labels: List[str] = []
    count: int = 1


class Predictor(BasePredictor):
    def predict(self, prompt: str) -> Output:
        return Output(text=prompt, image=Path("x.png"))
