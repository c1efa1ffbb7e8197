from cog import Input


def predict(text: str = Input(description="Text to reverse")) -> str:
    return text[::-1]
