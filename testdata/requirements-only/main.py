print("hello from main.py")
