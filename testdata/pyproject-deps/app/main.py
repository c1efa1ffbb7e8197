def serve() -> int:
    return 0
