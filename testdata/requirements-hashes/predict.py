import cogpack_hashed


class Predictor:
    def predict(self) -> str:
        return cogpack_hashed.__version__
