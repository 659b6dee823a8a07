print("securechat-server")
