# stub: only cog.yaml was copied from the repository
def Predictor() -> str:
    return "ok"
