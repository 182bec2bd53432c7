print("spunta-server")
