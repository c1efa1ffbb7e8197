def main() -> int:
    print("uvapp")
    return 0
