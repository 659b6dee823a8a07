print("securechat: not built yet")
