"""The hello-app command: prints a greeting and exits 0."""
import sys


def main() -> int:
    name = sys.argv[1] if len(sys.argv) > 1 else "world"
    print(f"hello-app says hello, {name}")
    return 0
