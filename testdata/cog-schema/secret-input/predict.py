from cog import BasePredictor, Input, Secret


class Predictor(BasePredictor):
    def predict(
        self,
        api_token: Secret = Input(description="Token for the upstream API"),
        backup_token: Secret = Input(description="Another token", default=None),
    ) -> str:
        return "ok"
