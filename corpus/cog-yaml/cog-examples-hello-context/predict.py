# stub: only cog.yaml was copied from the repository
def run() -> str:
    return "ok"
