print("securechat-bench: not built yet")
