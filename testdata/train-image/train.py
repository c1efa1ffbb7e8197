class Trainer:
    def train(self) -> None:
        pass
